import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type EventStore,
  openEventLog,
  SchemaVersionError,
  type StoredEvent,
  StoreError,
  ValidationError,
} from "@software-factory/core";
import {
  openPostgresEventStore,
  POSTGRES_SCHEMA_VERSION,
  type PostgresEventStoreOptions,
} from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { logOver, NoteAdded, NoteRemoved, waitFor } from "./contract/eventStoreContract.js";
import { startFaultProxy } from "./fixtures/postgresFaultProxy.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "./fixtures/postgresTestServer.js";
import { spawnFixture, waitForExit, waitForOutput } from "./fixtures/runChild.js";

const fixture = join(import.meta.dirname, "fixtures", "postgresAppender.ts");
const schemas = new TestSchemas();
const opened: EventStore[] = [];
const dirs: string[] = [];

async function open(schema: string, extra: Partial<PostgresEventStoreOptions> = {}): Promise<EventStore> {
  const store = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema, ...extra });
  opened.push(store);
  return store;
}

const note = (text: string, subject = "s") => ({ type: "note.added", subject, data: { text } });
const texts = (events: readonly StoredEvent[]) =>
  events.map((event) => (event.data as { text: string }).text);
const range = (count: number, from = 1) => Array.from({ length: count }, (_, index) => from + index);

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

describe.skipIf(skipPostgres)("PostgreSQL event store", () => {
  it("keeps all 16,000 events of 8 processes appending at once, and 2 subscriber processes see each exactly once in order", async () => {
    const schema = schemas.next("procs");
    await (await open(schema)).head(); // creates the schema before the children race to
    const dir = mkdtempSync(join(tmpdir(), "factory-pg-"));
    dirs.push(dir);
    const startFile = join(dir, "start");
    const total = 16_000;
    const subscribers = ["sub1", "sub2"].map((tag) =>
      spawnFixture(fixture, [POSTGRES_TEST_URL, schema, tag, "subscribe", String(total)]),
    );
    const subscriberExits = subscribers.map(waitForExit);
    const writers = range(8).map((index) =>
      // Writers alternate single-event appends and batches of 10.
      spawnFixture(fixture, [
        POSTGRES_TEST_URL,
        schema,
        `w${index}`,
        "2000",
        index % 2 === 0 ? "1" : "10",
        startFile,
      ]),
    );
    // Ten Node processes load TypeScript sources on a 2-core machine: starting them is the slow part.
    await Promise.all([
      ...subscribers.map((child) => waitForOutput(child, "subscribed", 240_000)),
      ...writers.map((child) => waitForOutput(child, "ready", 240_000)),
    ]);
    writeFileSync(startFile, "");
    for (const exit of await Promise.all(writers.map(waitForExit)))
      expect(exit, exit.stderr).toMatchObject({ code: 0 });

    const store = await open(schema);
    const events = await logOver(store).read({ limit: total + 1 });
    expect(events.map((event) => event.seq)).toEqual(range(total));
    expect(new Set(texts(events)).size).toBe(total);
    for (const index of range(8))
      expect(events.filter((event) => event.actor === `w${index}`)).toHaveLength(2000);

    for (const result of await Promise.all(subscriberExits)) {
      expect(result.code, result.stderr).toBe(0);
      const seen = result.stdout.split("\n").filter((line) => line.startsWith("seen "));
      expect(seen.map((line) => Number(line.split(" ")[1]))).toEqual(range(total));
      expect(seen.map((line) => line.split(" ")[2])).toEqual(texts(events));
    }
  }, 480_000);

  it("leaves every batch wholly present or wholly absent when a writer process is killed with SIGKILL, and frees the append lock", async () => {
    const schema = schemas.next("sigkill");
    await (await open(schema)).head();
    const child = spawnFixture(fixture, [POSTGRES_TEST_URL, schema, "killed", "forever", "50"]);
    const exited = waitForExit(child);
    await waitForOutput(child, "appending", 240_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");

    const log = logOver(await open(schema));
    // The server rolls back the killed process's open append and releases its lock.
    const [after] = await log.append(note("after the kill"));
    const events = await log.read({ limit: 100_000 });
    expect(events.map((event) => event.seq)).toEqual(range(events.length));
    expect(after?.seq).toBe(events.length);
    const batches = new Map<string, number>();
    for (const event of events.slice(0, -1))
      batches.set(event.subject, (batches.get(event.subject) ?? 0) + 1);
    expect(batches.size).toBeGreaterThan(0);
    for (const [batch, count] of batches) expect(count, batch).toBe(50);
  }, 300_000);

  it("makes a later append wait for an earlier uncommitted one, so readers never see a position before a lower one", async () => {
    const schema = schemas.next("order");
    const first = logOver(await open(schema, { applicationName: "order-first" }));
    const second = logOver(await open(schema, { applicationName: "order-second" }));
    const reader = logOver(await open(schema));
    await withAdmin(async (blocker) => {
      // Hold an uncommitted idempotency key: the first append takes its positions,
      // then waits on this row lock before it can commit.
      await blocker.query(`SET search_path = "${schema}"`);
      await blocker.query("BEGIN");
      await blocker.query("INSERT INTO idempotency (key, first_seq, count) VALUES ('held', 0, 0)");
      const firstAppend = first.append([note("first-a"), note("first-b")], { idempotencyKey: "held" });
      await waitUntilWaiting(blocker, "order-first", "Lock", "transactionid");
      const secondAppend = second.append(note("second"));
      await waitUntilWaiting(blocker, "order-second", "Lock", "advisory");

      // Positions 1-2 are taken but not committed; nothing after them is visible either.
      expect(await reader.head()).toBe(0);
      expect(await reader.read()).toEqual([]);

      await blocker.query("ROLLBACK");
      expect((await firstAppend).map((event) => event.seq)).toEqual([1, 2]);
      expect((await secondAppend).map((event) => event.seq)).toEqual([3]);
    });
    expect(texts(await reader.read())).toEqual(["first-a", "first-b", "second"]);
  });

  it("never lets a reader polling during concurrent appends see a gap", async () => {
    const schema = schemas.next("poll");
    const writers = await Promise.all(range(4).map(async () => logOver(await open(schema))));
    const reader = logOver(await open(schema));
    let done = false;
    const seen: number[] = [];
    const polling = (async () => {
      while (!done || seen.length < 400) {
        const page = await reader.read({ after: seen.at(-1) ?? 0 });
        seen.push(...page.map((event) => event.seq));
      }
    })();
    await Promise.all(
      writers.map(async (writer, index) => {
        for (let batch = 0; batch < 50; batch++)
          await writer.append([note(`${index}:${batch}`), note("pair")]);
      }),
    );
    done = true;
    await polling;
    // Each read continued exactly where the previous one stopped: any skipped position would be missing.
    expect(seen).toEqual(range(400));
  });

  it("retries an append whose connection is terminated mid-transaction, and stores it once", async () => {
    const schema = schemas.next("kill");
    const writer = logOver(await open(schema, { applicationName: "kill-writer" }));
    const reader = logOver(await open(schema));
    await writer.append(note("before"));
    await withAdmin(async (admin) => {
      await admin.query(`SET search_path = "${schema}"`);
      await admin.query("BEGIN");
      await admin.query("INSERT INTO idempotency (key, first_seq, count) VALUES ('retry-me', 0, 0)");
      const append = writer.append([note("once-a"), note("once-b")], { idempotencyKey: "retry-me" });
      const pid = await waitUntilWaiting(admin, "kill-writer", "Lock", "transactionid");
      // Kill the writer's connection from another session while it holds the append lock.
      await withAdmin((killer) => killer.query("SELECT pg_terminate_backend($1)", [pid]));
      // The retry, on a new connection, waits on the same held key; release it.
      const retryPid = await waitUntilWaiting(admin, "kill-writer", "Lock", "transactionid", pid);
      expect(retryPid).not.toBe(pid);
      await admin.query("ROLLBACK");
      expect((await append).map((event) => event.seq)).toEqual([2, 3]);
    });
    expect(texts(await reader.read())).toEqual(["before", "once-a", "once-b"]);
    // The key was stored by the retry: a second retry by the caller returns the same events.
    const again = await writer.append([note("once-a"), note("once-b")], { idempotencyKey: "retry-me" });
    expect(again.map((event) => event.seq)).toEqual([2, 3]);
    expect(await reader.head()).toBe(3);
  });

  it("recognises a batch that committed although the reply was lost, and does not store it twice", async () => {
    const schema = schemas.next("lost");
    const proxy = await startFaultProxy(POSTGRES_TEST_URL);
    try {
      const writer = logOver(await open(schema, { url: proxy.url }));
      await writer.append(note("before"));
      proxy.loseNextCommitReply();
      // No idempotency key: the retry recognises the batch by its event ids.
      const stored = await writer.append([note("landed-a"), note("landed-b")]);
      expect(proxy.lostReplies).toBe(1);
      expect(stored.map((event) => event.seq)).toEqual([2, 3]);
      const reader = logOver(await open(schema));
      const events = await reader.read();
      expect(texts(events)).toEqual(["before", "landed-a", "landed-b"]);
      expect(events.slice(1)).toEqual(stored);
    } finally {
      await proxy.close();
    }
  });

  it("catches a subscriber up without loss after its listening connection drops", async () => {
    const schema = schemas.next("drop");
    const subscriberLog = logOver(
      await open(schema, {
        applicationName: "drop-sub",
        catchUpIntervalMs: 0,
        retry: { initialDelayMs: 300, maxDelayMs: 1000 },
      }),
    );
    const writer = logOver(await open(schema));
    const seen: number[] = [];
    const subscription = await subscriberLog.subscribe((event) => void seen.push(event.seq));
    await waitForListener(true);
    await writer.append(note("a"));
    await waitFor(() => seen.length === 1);

    await withAdmin((admin) =>
      admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'drop-sub-listener'",
      ),
    );
    await waitForListener(false);
    // These commit while nobody listens: their notifications are lost.
    await writer.append([note("b"), note("c")]);
    await writer.append(note("d"));
    await waitFor(() => seen.length === 4);
    expect(seen).toEqual([1, 2, 3, 4]);
    await waitForListener(true);
    await writer.append(note("e"));
    await waitFor(() => seen.length === 5);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    await subscription.close();

    async function waitForListener(present: boolean): Promise<void> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await withAdmin((admin) =>
          admin.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'drop-sub-listener' AND query LIKE 'LISTEN%'",
          ),
        );
        if (rows[0]?.n > 0 === present) return;
        if (Date.now() > deadline) throw new Error(`listener never became ${present ? "present" : "absent"}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });

  it("keeps two schemas on one database apart", async () => {
    const [a, b] = [schemas.next("iso"), schemas.next("iso")];
    const logA = logOver(await open(a));
    const logB = logOver(await open(b));
    await logA.append([note("in a"), note("also a")]);
    await logB.append(note("in b"));
    expect(texts(await logA.read())).toEqual(["in a", "also a"]);
    expect(texts(await logB.read())).toEqual(["in b"]);
  });

  it("delivers events live in a schema whose name is too long to name a notification channel", async () => {
    const schema = `${schemas.next("long")}_${"x".repeat(30)}`.slice(0, 63);
    schemas.track(schema);
    const subscriberLog = logOver(await open(schema, { catchUpIntervalMs: 0 }));
    const writer = logOver(await open(schema));
    const seen: number[] = [];
    const subscription = await subscriberLog.subscribe((event) => void seen.push(event.seq));
    await writer.append([note("a"), note("b")]);
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
    await subscription.close();
  });

  it("opens through openEventLog from a postgres:// URL and from FACTORY_DATABASE_URL", async () => {
    const schema = schemas.next("url");
    await (await open(schema)).head();
    const url = new URL(POSTGRES_TEST_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const byOption = await openEventLog({ store: url.toString(), events: [NoteAdded, NoteRemoved] });
    expect(byOption.storeKind).toBe("postgres");
    await byOption.append(note("via store option"));
    await byOption.close();

    const previous = process.env.FACTORY_DATABASE_URL;
    process.env.FACTORY_DATABASE_URL = url.toString();
    try {
      const byEnv = await openEventLog({ events: [NoteAdded, NoteRemoved] });
      expect(byEnv.storeKind).toBe("postgres");
      expect(texts(await byEnv.read())).toEqual(["via store option"]);
      await byEnv.close();
    } finally {
      if (previous === undefined) delete process.env.FACTORY_DATABASE_URL;
      else process.env.FACTORY_DATABASE_URL = previous;
    }
  });

  it("lets its own TLS, schema and name settings win over the URL's parameters", async () => {
    const schema = schemas.next("params");
    const url = new URL(POSTGRES_TEST_URL);
    // The test server has no TLS: were sslmode=require used, connecting would fail.
    url.searchParams.set("sslmode", "require");
    url.searchParams.set("application_name", "from-url");
    url.searchParams.set("options", "-c statement_timeout=4321");
    const store = await open(schema, { url: url.toString(), ssl: false, applicationName: "params-test" });
    await logOver(store).append(note("in the schema"));
    const { rows } = await withAdmin((admin) =>
      admin.query(`SELECT count(*)::int AS n FROM "${schema}".events`),
    );
    expect(rows).toEqual([{ n: 1 }]);
    const names = await withAdmin((admin) =>
      admin.query(
        "SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE application_name IN ('from-url', 'params-test')",
      ),
    );
    expect(names.rows).toEqual([{ name: "params-test" }]);
  });

  it("refuses a schema written by a newer version of the SDK", async () => {
    const schema = schemas.next("newer");
    await (await open(schema)).close();
    await withAdmin((admin) =>
      admin.query(`INSERT INTO "${schema}".schema_version (version) VALUES ($1)`, [
        POSTGRES_SCHEMA_VERSION + 1,
      ]),
    );
    const attempt = openPostgresEventStore({ url: POSTGRES_TEST_URL, schema });
    await expect(attempt).rejects.toBeInstanceOf(SchemaVersionError);
    await expect(attempt).rejects.toThrow(`has schema version 2, newer than the 1 this SDK supports`);
  });

  it("migrates a new schema once when several processes open it at the same moment", async () => {
    const schema = schemas.next("race");
    const stores = await Promise.all(range(6).map(() => open(schema)));
    expect(await Promise.all(stores.map((store) => store.head()))).toEqual(range(6).map(() => 0));
    const { rows } = await withAdmin((admin) =>
      admin.query(`SELECT version FROM "${schema}".schema_version`),
    );
    expect(rows).toEqual([{ version: 1 }]);
  });
});

describe("PostgreSQL event store without a server", () => {
  it("names host and port when the server cannot be reached", async () => {
    const attempt = openPostgresEventStore({ url: "postgres://postgres@127.0.0.1:1/test" });
    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    await expect(attempt).rejects.toThrow(/cannot reach PostgreSQL at 127\.0\.0\.1:1\/test/);
  });

  it("rejects bad options naming each field", async () => {
    const attempt = openPostgresEventStore({
      url: "mysql://db/x",
      schema: "Bad-Name",
      pool: { max: 0 },
    } as PostgresEventStoreOptions);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow(/url: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    await expect(attempt).rejects.toThrow(/schema: schema must be/);
    await expect(attempt).rejects.toThrow(/pool\.max/);
    await expect(openPostgresEventStore({})).rejects.toThrow(/url: give url/);
  });
});

/** Waits until a backend of the named client (other than `otherThanPid`) waits on a lock of the given type; returns its pid. */
async function waitUntilWaiting(
  admin: { query: (sql: string, params: unknown[]) => Promise<{ rows: { pid: number }[] }> },
  applicationName: string,
  waitEventType: string,
  lockType: string,
  otherThanPid = 0,
): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    // pg_stat_activity is a snapshot taken once per transaction; the caller may be inside one.
    await admin.query("SELECT pg_stat_clear_snapshot()", []);
    const { rows } = await admin.query(
      `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
        WHERE a.application_name = $1 AND a.wait_event_type = $2 AND l.locktype = $3 AND a.pid <> $4`,
      [applicationName, waitEventType, lockType, otherThanPid],
    );
    const pid = rows[0]?.pid;
    if (pid !== undefined) return pid;
    if (Date.now() > deadline) throw new Error(`${applicationName} never waited on a ${lockType} lock`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
