import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createMemoryEventStore,
  type EventStore,
  migrateLog,
  StoreError,
  ValidationError,
} from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "./contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "./fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const stores: EventStore[] = [];
const dirs: string[] = [];

function sqlite(): EventStore {
  const dir = mkdtempSync(join(tmpdir(), "factory-migrate-"));
  dirs.push(dir);
  const store = openSqliteEventStore({ path: join(dir, "factory.db"), durability: "normal" });
  stores.push(store);
  return store;
}

async function postgres(): Promise<EventStore> {
  const store = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema: schemas.next("migrate") });
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

/** Fills a store with 2,345 events of both types, several actors, causation and awkward text. */
async function fill(store: EventStore): Promise<void> {
  const log = logOver(store);
  for (let batch = 0; batch < 23; batch++) {
    const events = await log.append(
      Array.from({ length: 100 }, (_, index) => ({
        type: "note.added",
        subject: `note_${index % 7}`,
        data: { text: `ünïcødé "${batch}" \n ${index} ✓`, tags: index % 3 === 0 ? ["x", "y"] : [] },
      })),
      { actor: `actor-${batch % 3}` },
    );
    await log.append({
      type: "note.removed",
      subject: "note_0",
      data: { reason: `batch ${batch}` },
      causedBy: events[0]?.id ?? "",
    });
  }
  await log.append(
    Array.from({ length: 22 }, (_, index) => ({
      type: "note.added",
      subject: "tail",
      data: { text: `t${index}` },
    })),
  );
}

async function everything(store: EventStore) {
  return store.read({ limit: 100_000 });
}

describe("migrateLog", () => {
  it("copies a SQLite log into another store with positions, ids and payloads intact, verified by count and hash", async () => {
    const from = sqlite();
    await fill(from);
    const to = createMemoryEventStore();
    const progress: number[] = [];
    const report = await migrateLog(from, to, {
      pageSize: 500,
      onProgress: (copied) => progress.push(copied),
    });
    expect(report).toMatchObject({ total: 2345, copied: 2345, verified: true });
    expect(report.targetHash).toBe(report.sourceHash);
    expect(report.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(progress).toEqual([500, 1000, 1500, 2000, 2345]);
    expect(await everything(to)).toEqual(await everything(from));
  });

  it("resumes into a target that holds a prefix of the source", async () => {
    const from = sqlite();
    await fill(from);
    const to = sqlite();
    const prefix = await from.read({ limit: 1000 });
    await to.append(
      prefix.map(({ seq: _seq, ...event }) => event),
      {},
    );
    const report = await migrateLog(from, to);
    expect(report).toMatchObject({ total: 2345, copied: 1345, verified: true });
    expect(await everything(to)).toEqual(await everything(from));
  });

  it("refuses a target that already holds a different log, and writes nothing to it", async () => {
    const from = sqlite();
    await fill(from);
    const to = createMemoryEventStore();
    await logOver(to).append({ type: "note.added", subject: "other", data: { text: "not from the source" } });
    const attempt = migrateLog(from, to);
    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    await expect(attempt).rejects.toThrow(/already holds 1 events that are not a copy of the sqlite source/);
    expect(await to.head()).toBe(1);
  });

  it("reports a verification failure when the target's log differs from the source", async () => {
    const from = sqlite();
    await fill(from);
    const inner = createMemoryEventStore();
    // A target that loses the payload of one event on the way.
    const lossy: EventStore = {
      ...inner,
      kind: "lossy",
      append: (events, options) =>
        inner.append(
          events.map((event, index) => (index === 3 ? { ...event, data: { text: "changed" } } : event)),
          options,
        ),
    };
    const attempt = migrateLog(from, lossy);
    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    await expect(attempt).rejects.toThrow(/verification failed after copying the sqlite log to lossy/);
  });

  it("rejects invalid options naming the field", async () => {
    const attempt = migrateLog(createMemoryEventStore(), createMemoryEventStore(), { pageSize: 0 });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/pageSize/);
  });

  describe.skipIf(skipPostgres)("between SQLite and PostgreSQL", () => {
    it("moves a SQLite factory's log into PostgreSQL and back, with the same hash all the way", async () => {
      const original = sqlite();
      await fill(original);
      const server = await postgres();
      const there = await migrateLog(original, server);
      expect(there).toMatchObject({ total: 2345, copied: 2345, verified: true });
      expect(await everything(server)).toEqual(await everything(original));

      const back = sqlite();
      const home = await migrateLog(server, back);
      expect(home).toMatchObject({ total: 2345, copied: 2345, verified: true });
      expect(home.sourceHash).toBe(there.sourceHash);
      expect(await everything(back)).toEqual(await everything(original));
      // The copy is a working log: appends continue after the copied positions.
      const [next] = await logOver(server).append({
        type: "note.added",
        subject: "s",
        data: { text: "after" },
      });
      expect(next?.seq).toBe(2346);
    });
  });
});
