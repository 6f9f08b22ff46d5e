import { type EventLog, retryOnConflict, StoreError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, withAdmin } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

const setup = faultProxySetup();

function openLog(
  schema: string,
  callTimeoutMs: number,
  url = POSTGRES_TEST_URL,
  applicationName = "factory",
): Promise<EventLog> {
  return setup.openLog({ url, schema, callTimeoutMs, applicationName });
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
    const schema = setup.schema("locktimeout");
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
    const schema = setup.schema("lostanswer");
    const holder = await holdAppendLock(await openLog(schema, 60_000));
    const proxy = await setup.proxy();
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
