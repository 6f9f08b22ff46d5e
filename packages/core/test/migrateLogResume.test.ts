/**
 * `migrateLog` resumes a copy only into a target that holds an exact prefix of
 * the source: every event up to the target's head the same, not only the last.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventStore, migrateLog, StoreError } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "./contract/eventStoreContract.js";

const stores: EventStore[] = [];
const dirs: string[] = [];

function sqlite(): EventStore {
  const dir = mkdtempSync(join(tmpdir(), "factory-migrate-resume-"));
  dirs.push(dir);
  const store = openSqliteEventStore({ path: join(dir, "factory.db"), durability: "normal" });
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("migrateLog resuming", () => {
  it("refuses a target whose last event is the source's but an earlier one differs, and writes nothing", async () => {
    const from = sqlite();
    await logOver(from).append(
      Array.from({ length: 30 }, (_, index) => ({
        type: "note.added",
        subject: "n",
        data: { text: `t${index}` },
      })),
    );
    const to = sqlite();
    const prefix = await from.read({ limit: 20 });
    await to.append(
      prefix.map(({ seq: _seq, ...event }, index) =>
        index === 4 ? { ...event, data: { text: "edited on the way" } } : event,
      ),
      {},
    );

    const attempt = migrateLog(from, to);

    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    await expect(attempt).rejects.toThrow(
      "the sqlite target already holds 20 events that are not a copy of the sqlite source (30 events); migrate into an empty store",
    );
    expect(await to.head()).toBe(20);
  });
});
