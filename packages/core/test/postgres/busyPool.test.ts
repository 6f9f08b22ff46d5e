import { type EventStore, StoreError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const opened: EventStore[] = [];
const admins: pg.Client[] = [];

afterEach(async () => {
  for (const admin of admins.splice(0)) await admin.end().catch(() => undefined);
  for (const store of opened.splice(0)) await store.close();
  await schemas.dropAll();
});

/** Waits until a session named `applicationName` waits for a lock on the server. */
async function waitUntilWaitingForLock(applicationName: string): Promise<void> {
  await withAdmin(async (admin) => {
    for (;;) {
      const { rows } = await admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [applicationName],
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
}

describe.skipIf(skipPostgres)("a PostgreSQL store whose pool's connections are all in use", () => {
  it("says so, rather than that the server may be unreachable, when a call gets none in time", async () => {
    const schema = schemas.next("busypool");
    const applicationName = `busy-${schema}`.slice(0, 63);
    const store = await openPostgresEventStore({
      url: POSTGRES_TEST_URL,
      schema,
      applicationName,
      pool: { max: 1, connectionTimeoutMs: 500 },
      retry: { attempts: 1 },
      callTimeoutMs: 20_000,
    });
    opened.push(store);
    // Someone's transaction locks the events table: a read of the head waits for it on the pool's only connection.
    const admin = new pg.Client({ connectionString: POSTGRES_TEST_URL });
    admins.push(admin);
    await admin.connect();
    await admin.query(`BEGIN; LOCK TABLE "${schema}".events IN ACCESS EXCLUSIVE MODE`);
    const first = store.head();
    await waitUntilWaitingForLock(applicationName);

    const failure = await store.head().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(StoreError);
    const message = (failure as StoreError).message;
    expect(message).toContain(
      "failed while reading the head: no connection of this process's pool came free in time (connect_timeout, callTimeoutMs): all 1 of them (pool.max, pool_max in the URL) were in use",
    );
    expect(message).not.toContain("reachable");
    await admin.query("ROLLBACK");
    expect(await first).toBe(0);
  });
});
