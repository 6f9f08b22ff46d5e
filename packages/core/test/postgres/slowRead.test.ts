/**
 * A read (or a look at the head) that a reachable server is still running
 * when its call's time runs out is told so, with the setting that bounded it,
 * rather than asked whether the server runs; and the server is not left
 * running it.
 */
import { StoreError } from "@software-factory/core";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, withAdmin } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

const setup = faultProxySetup();

/** Why `call` failed; undefined when it did not. */
async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  return call().then(
    () => undefined,
    (error: unknown) => error,
  );
}

/**
 * Runs `work` while another session holds the events table of `schema`
 * locked (`ACCESS EXCLUSIVE`, in an open transaction): the server is up and
 * answers, and every read of the table waits for the lock.
 */
async function whileEventsLocked(schema: string, work: (holder: number) => Promise<void>): Promise<void> {
  const holder = new pg.Client({ connectionString: POSTGRES_TEST_URL, application_name: "slow_read_holder" });
  await holder.connect();
  try {
    await holder.query("BEGIN");
    await holder.query(`LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`);
    const { rows } = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    await work(rows[0]?.pid ?? 0);
  } finally {
    await holder.query("ROLLBACK").catch(() => undefined);
    await holder.end();
  }
}

/** The sessions of `application` the server is still running a statement for. */
async function activeSessions(application: string): Promise<number> {
  const { rows } = await withAdmin((admin) =>
    admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
      [application],
    ),
  );
  return rows[0]?.n ?? 0;
}

describe.skipIf(skipPostgres)("a read the server is still running when its call runs out of time", () => {
  it("says reading took longer than callTimeoutMs, naming it, and the server ends the read", async () => {
    const schema = setup.schema("slow_read");
    const applicationName = `slow_read_${process.pid}`;
    const store = await setup.openStore({ schema, callTimeoutMs: 1_500, applicationName });
    const log = await setup.openLog({ schema, applicationName });
    await log.append(note("one"));
    await whileEventsLocked(schema, async (holder) => {
      for (const [doing, call] of [
        ["reading events", () => store.read({})],
        ["reading the head", () => store.head()],
      ] as const) {
        const failure = await failureOf(call);
        expect(failure).toBeInstanceOf(StoreError);
        const message = (failure as StoreError).message;
        expect(message).toContain(`answers, but ${doing} took longer than`);
        expect(message).toContain("this call's callTimeoutMs of 1500 ms (call_timeout_ms in the URL)");
        expect(message).toContain(
          `the server ended the statement; it was waiting for a lock held by the session ${holder} (`,
        );
        expect(message).not.toContain("is the server running");
        expect(message).not.toContain("nothing was written");
      }
      // The server is not left waiting for the lock on the reads' behalf.
      expect(await activeSessions(applicationName)).toBe(0);
    });
    expect((await store.read({})).map((event) => event.seq)).toEqual([1]);
  });

  it("names queryTimeoutMs when that, shorter than callTimeoutMs, bounded each statement", async () => {
    const schema = setup.schema("slow_read_q");
    const store = await setup.openStore({
      schema,
      callTimeoutMs: 5_000,
      queryTimeoutMs: 1_000,
      applicationName: "slow_read_q",
    });
    // A connection made before the lock: under a loaded CI host a new one may take longer than queryTimeoutMs to come up.
    await store.head();
    await whileEventsLocked(schema, async (holder) => {
      const failure = await failureOf(() => store.read({ types: ["note.added"] }));
      expect(failure).toBeInstanceOf(StoreError);
      const message = (failure as StoreError).message;
      expect(message).toContain("answers, but reading events took longer than");
      expect(message).toContain(
        "this call's queryTimeoutMs of 1000 ms for one statement (query_timeout_ms in the URL; its callTimeoutMs, call_timeout_ms, is 5000 ms)",
      );
      expect(message).toContain(`held by the session ${holder} (`);
      expect(message).not.toContain("is the server running");
    });
  });

  it("says so of a read the server is busy with, not waiting for a lock, and ends it", async () => {
    const schema = setup.schema("slow_read_busy");
    const applicationName = `slow_read_busy_${process.pid}`;
    const store = await setup.openStore({ schema, callTimeoutMs: 1_000, applicationName });
    // Every read of the log takes the server 30 s: the events table behind a view that sleeps first.
    await withAdmin((admin) =>
      admin.query(
        `ALTER TABLE "${schema}".events RENAME TO events_kept;
         CREATE VIEW "${schema}".events AS SELECT e.* FROM "${schema}".events_kept e CROSS JOIN pg_sleep(30)`,
      ),
    );
    const failure = await failureOf(() => store.head());
    expect(failure).toBeInstanceOf(StoreError);
    const message = (failure as StoreError).message;
    expect(message).toContain(
      "answers, but reading the head took longer than this call's callTimeoutMs of 1000 ms (call_timeout_ms in the URL): the server ended the statement; raise that setting",
    );
    expect(message).not.toContain("waiting for a lock");
    expect(message).not.toContain("is the server running");
    expect(await activeSessions(applicationName)).toBe(0);
  });
});
