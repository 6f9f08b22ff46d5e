import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type EventLog, retryOnConflict, type StoredEvent, StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";
import { startFixture } from "../fixtures/runChild.js";
import { signal } from "../fixtures/signal.js";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const schemas = new TestSchemas();
const opened: EventLog[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const log of opened.splice(0)) await log.close();
  await schemas.dropAll();
});

const note = (text: string) => ({ type: "note.added", subject: "plan", data: { text } });

/** The test server's URL with `schema` and the store's other URL parameters. */
function urlWith(parameters: Record<string, string>): string {
  const url = new URL(POSTGRES_TEST_URL);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url.toString();
}

async function openLog(parameters: Record<string, string>): Promise<EventLog> {
  const log = logOver(await openPostgresEventStore({ url: urlWith(parameters) }));
  opened.push(log);
  return log;
}

/**
 * Starts a process whose write takes a write turn on `schema` and holds it,
 * stops it there with SIGSTOP (as a hung process), and kills it after the test.
 */
async function hungTurnHolder(schema: string, callTimeoutMs: number): Promise<void> {
  const { child, exited } = await startFixture(
    join(fixtures, "turnHolder.ts"),
    [POSTGRES_TEST_URL, schema, String(callTimeoutMs)],
    "holding",
  );
  child.kill("SIGSTOP");
  cleanups.push(async () => {
    child.kill("SIGKILL");
    await exited;
  });
}

describe.skipIf(skipPostgres)("write turns on PostgreSQL", () => {
  it("land a slow write with a pool of one connection: the turn's attempt reads on the turn's connection", async () => {
    const log = await openLog({ schema: schemas.next("turn1"), pool_max: "1" });
    let deciding = signal();
    // Another write of the process appends while each attempt decides; the fourth waits for the turn.
    const others = (async () => {
      const stored: StoredEvent[] = [];
      for (const other of [1, 2, 3, 4]) {
        await deciding.promise;
        deciding = signal();
        stored.push(...(await log.append(note(`other ${other}`))));
      }
      return stored;
    })();
    const heads: number[] = [];
    const stored = await retryOnConflict(
      async () => {
        const head = await log.head();
        heads.push(head);
        deciding.resolve();
        await sleep(20);
        return log.append(note(`decided at ${head}`), { expectedHead: head });
      },
      { attempts: 4, maxBackoffMs: 5 },
    );

    // Three conflicts, then the attempt in the turn read the head, decided and appended first.
    expect(heads).toEqual([0, 1, 2, 3]);
    expect(stored.map((event) => event.seq)).toEqual([4]);
    expect((await others).map((event) => event.seq)).toEqual([1, 2, 3, 5]);
  });

  it("let another process append once the server ends the session of a hung turn holder", async () => {
    const schema = schemas.next("turn2");
    const log = await openLog({ schema });
    // Its turn lasts 2 s at most: the server ends its session after 2 s without a statement.
    await hungTurnHolder(schema, 4_000);

    const stored = await log.append(note("after the hung turn"));

    expect(stored.map((event) => event.type)).toEqual(["note.added"]);
  });

  it("say that an append waited for the append lock, and who holds it, when its call times out behind a turn", async () => {
    const schema = schemas.next("turn3");
    const log = await openLog({ schema, call_timeout_ms: "1500" });
    await hungTurnHolder(schema, 120_000);

    const failure = await log.append(note("behind the hung turn")).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(StoreError);
    const message = (failure as StoreError).message;
    expect(message).toMatch(
      new RegExp(
        `failed while appending events: waited \\d+ ms for the append lock of schema "${schema}", held by another writer \\(pid \\d+, application_name "turn-holder"\\), past this call's callTimeoutMs of 1500 ms`,
      ),
    );
    expect(message).not.toContain("reachable");
  });
});
