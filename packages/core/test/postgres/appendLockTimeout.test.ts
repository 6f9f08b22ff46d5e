import { type EventLog, retryOnConflict, StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import { type FaultProxy, startFaultProxy } from "../fixtures/postgresFaultProxy.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const opened: EventLog[] = [];
const proxies: FaultProxy[] = [];

afterEach(async () => {
  for (const log of opened.splice(0)) await log.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
  await schemas.dropAll();
});

const note = (text: string) => ({ type: "note.added", subject: "s", data: { text } });

async function openLog(
  schema: string,
  callTimeoutMs: number,
  url = POSTGRES_TEST_URL,
  applicationName = "factory",
): Promise<EventLog> {
  const log = logOver(await openPostgresEventStore({ url, schema, callTimeoutMs, applicationName }));
  opened.push(log);
  return log;
}

/** Waits until a session named `applicationName` waits for an advisory lock. */
async function waitUntilWaitingForLock(applicationName: string): Promise<void> {
  await withAdmin(async (admin) => {
    for (;;) {
      const { rows } = await admin.query(
        `SELECT 1 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
          WHERE a.application_name = $1 AND l.locktype = 'advisory'`,
        [applicationName],
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
}

/**
 * Holds the append lock of `log`'s schema on a connection of its own: a write
 * whose first three attempts conflict takes a write turn for its fourth, which
 * waits there until `release` is called and then ends without appending.
 */
async function holdAppendLock(log: EventLog): Promise<{ release: () => void; done: Promise<unknown> }> {
  let holding: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    holding = resolve;
  });
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let attempt = 0;
  const done = retryOnConflict(
    async () => {
      attempt++;
      const head = await log.head();
      if (attempt <= 3) return log.append(note("conflicts"), { expectedHead: head + 1 });
      holding();
      await released;
      return [];
    },
    { attempts: 4, maxBackoffMs: 1 },
  );
  await held;
  return { release, done };
}

describe.skipIf(skipPostgres)("an append whose call runs out of time behind the append lock", () => {
  it("never lands once its call has failed, even after the lock is let go", async () => {
    const schema = schemas.next("locktimeout");
    const holder = await holdAppendLock(await openLog(schema, 60_000));
    const log = await openLog(schema, 1_000);

    const failure = await log.append(note("timed out")).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(/waited \d+ ms for the append lock/);

    holder.release();
    await holder.done;
    // This append queues for the lock behind any statement still waiting for it, so lands after it.
    const after = await log.append(note("after the lock was let go"));

    expect(after.map((event) => event.seq)).toEqual([1]);
    const texts = (await log.read()).map((event) => (event.data as { text: string }).text);
    expect(texts).toEqual(["after the lock was let go"]);
  });

  it("returns its events, instead of failing, when its answer was lost but it landed", async () => {
    const schema = schemas.next("lostanswer");
    const holder = await holdAppendLock(await openLog(schema, 60_000));
    const proxy = await startFaultProxy(POSTGRES_TEST_URL);
    proxies.push(proxy);
    const log = await openLog(schema, 3_000, proxy.url, "lost-answer");

    const appending = log.append(note("answer lost"));
    await waitUntilWaitingForLock("lost-answer");
    // The statement is on the server, waiting for the lock; its answer will never pass.
    proxy.freezeOpenConnections();
    holder.release();
    await holder.done;

    const stored = await appending;
    expect(stored.map((event) => event.seq)).toEqual([1]);
    const texts = (await (await openLog(schema, 3_000)).read()).map(
      (event) => (event.data as { text: string }).text,
    );
    expect(texts).toEqual(["answer lost"]);
  });
});
