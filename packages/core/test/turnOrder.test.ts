import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  ConcurrencyConflictError,
  type EventLog,
  type EventStore,
  retryOnConflict,
} from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { logOver } from "./contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas, withAdmin } from "./fixtures/postgresTestServer.js";
import { signal } from "./fixtures/signal.js";

const schemas = new TestSchemas();
const opened: EventLog[] = [];
const dirs: string[] = [];

afterEach(async () => {
  // Closing a store ends the turns held on it, so a write stuck behind one lets go.
  for (const log of opened.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

/**
 * How long a write turn lasts at most in these tests: five minutes, far past
 * the test's timeout, so a write that waits for a turn to lapse never lands
 * within the test.
 */
const TURN_LASTS_MS = 300_000;

/** Opens the three stores of a test, `x` before `y` before `z` in the order of turns. */
type OpenStores = () => Promise<readonly [EventStore, EventStore, EventStore]>;

const sqliteStores: OpenStores = async () => {
  const dir = mkdtempSync(join(tmpdir(), "factory-order-"));
  dirs.push(dir);
  const open = (name: string) =>
    openSqliteEventStore({ path: join(dir, name), busyTimeoutMs: 2 * TURN_LASTS_MS, durability: "normal" });
  return [open("a.db"), open("b.db"), open("c.db")];
};

const postgresStores: OpenStores = async () => {
  const open = (prefix: string) =>
    openPostgresEventStore({
      url: POSTGRES_TEST_URL,
      schema: schemas.next(prefix),
      callTimeoutMs: 2 * TURN_LASTS_MS,
    });
  return [await open("order_a"), await open("order_b"), await open("order_c")];
};

/**
 * A role refused `pg_control_system()` (so its stores order themselves by the
 * URL's host, port and database, and the schema), owner of a database of its
 * own in which that function's `EXECUTE` is revoked from `PUBLIC`; created on
 * first use, dropped after the file's tests. Its URL names no schema.
 */
let refusedRole: Promise<string> | undefined;
const refusedName = `factory_noctl_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;

afterAll(async () => {
  if (refusedRole === undefined) return;
  await withAdmin(async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${refusedName}" WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS "${refusedName}"`);
  });
});

/** Runs `sql` on the refused role's database, as the test server's admin or as `user`; resolves with the error it failed with. */
async function inRefusedDatabase(sql: string, user?: string): Promise<unknown> {
  const url = new URL(POSTGRES_TEST_URL);
  url.pathname = `/${refusedName}`;
  if (user !== undefined) {
    url.username = user;
    url.password = "";
  }
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await client.query(sql).then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    await client.end();
  }
}

async function createRefusedRole(): Promise<string> {
  await withAdmin(async (admin) => {
    await admin.query(`CREATE ROLE "${refusedName}" LOGIN`);
    await admin.query(`CREATE DATABASE "${refusedName}" OWNER "${refusedName}"`);
  });
  expect(
    await inRefusedDatabase("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC"),
  ).toBeUndefined();
  // The role is refused indeed: its stores take the fallback.
  const refusal = await inRefusedDatabase("SELECT system_identifier FROM pg_control_system()", refusedName);
  expect((refusal as { code?: string }).code).toBe("42501");
  const url = new URL(POSTGRES_TEST_URL);
  url.username = refusedName;
  url.password = "";
  url.pathname = `/${refusedName}`;
  url.search = "";
  return url.toString();
}

const refusedRoleStores: OpenStores = async () => {
  refusedRole ??= createRefusedRole();
  const url = await refusedRole;
  // The database is the test's own: its schemas go with it.
  const open = (prefix: string) =>
    openPostgresEventStore({
      url,
      schema: `${prefix}_${randomBytes(4).toString("hex")}`,
      callTimeoutMs: 2 * TURN_LASTS_MS,
    });
  return [await open("order_a"), await open("order_b"), await open("order_c")];
};

/** A `before` for {@link scriptedWrite}: at attempt `at`, calls `reached` and waits for `until`. */
function pauseAt(at: number, reached: () => void, until: Promise<void>): (tried: number) => Promise<void> {
  return async (tried) => {
    if (tried !== at) return;
    reached();
    await until;
  };
}

type Name = "x" | "y" | "z";

/** Opens the three stores of a test as logs, closed after it. */
async function openLogs(openStores: OpenStores): Promise<Record<Name, EventLog>> {
  const [x, y, z] = (await openStores()).map((store) => {
    const log = logOver(store);
    opened.push(log);
    return log;
  }) as [EventLog, EventLog, EventLog];
  return { x, y, z };
}

const note = (text: string) => ({ type: "note.added", subject: "plan", data: { text } });

/**
 * A write over the logs: its first three attempts each lose on the store
 * `loses` names (another event lands there after the attempt read the
 * heads), its fourth and later (in turns; the fourth is the last unless
 * `attempts` says otherwise) append to the stores of `appends`
 * in that order, each with the head it read (or its own last append there) expected. `before` runs at the
 * start of each attempt, `lost` when the third loses. Resolves with the
 * number of attempts made.
 */
function scriptedWrite(
  logs: Readonly<Record<Name, EventLog>>,
  script: {
    readonly loses: readonly [Name, Name, Name];
    readonly appends: readonly Name[];
    readonly before?: (tried: number) => Promise<void>;
    readonly lostThird?: () => void;
    readonly attempts?: number;
  },
): Promise<number> {
  let tried = 0;
  return retryOnConflict(
    async () => {
      tried++;
      await script.before?.(tried);
      const heads = { x: await logs.x.head(), y: await logs.y.head(), z: await logs.z.head() };
      const loses = script.loses[tried - 1];
      if (loses !== undefined) {
        await logs[loses].append(note("moves the head"));
        await logs[loses].append(note("stale"), { expectedHead: heads[loses] }).catch((error: unknown) => {
          if (tried === 3 && error instanceof ConcurrencyConflictError) script.lostThird?.();
          throw error;
        });
        throw new Error(`attempt ${tried} was meant to lose on ${loses}`);
      }
      for (const name of script.appends) {
        const [stored] = await logs[name].append(note("decided"), { expectedHead: heads[name] });
        heads[name] = stored?.seq ?? heads[name];
      }
      return tried;
    },
    { attempts: script.attempts ?? 4, maxBackoffMs: 0 },
  );
}

describe.each([
  ["SQLite files", false, sqliteStores],
  ["PostgreSQL schemas", skipPostgres, postgresStores],
  ["PostgreSQL schemas of a role refused pg_control_system()", skipPostgres, refusedRoleStores],
] as const)("write turns on three %s", (_name, skip, openStores) => {
  it.skipIf(skip)(
    "are taken in one order, so two writes that lost on two stores in opposite orders both land without a turn lapsing",
    async () => {
      const logs = await openLogs(openStores);
      const reachedThird = { a: signal(), b: signal() };
      const gateHolds = signal();
      const gate = signal();
      const bLostThird = signal();
      const aLostThird = signal();

      // The gate: a third write whose last attempt holds the turn on y until the test lets it append.
      const gateWrite = scriptedWrite(logs, {
        loses: ["y", "y", "y"],
        appends: ["y"],
        before: async (tried) => {
          if (tried === 1) await Promise.all([reachedThird.a.promise, reachedThird.b.promise]);
          if (tried === 4) {
            gateHolds.resolve();
            await gate.promise;
          }
        },
      });
      // b lost on y, then x: in that order, it would wait for y (behind the gate) before taking x.
      const bWrite = scriptedWrite(logs, {
        loses: ["y", "x", "x"],
        appends: ["y", "x"],
        before: pauseAt(3, reachedThird.b.resolve, gateHolds.promise),
        lostThird: bLostThird.resolve,
      });
      // a lost on x, then y, then z: in that order, it would hold x and wait for y behind b.
      const aWrite = scriptedWrite(logs, {
        loses: ["x", "y", "z"],
        appends: ["x", "y"],
        before: async (tried) => {
          if (tried !== 3) return;
          reachedThird.a.resolve();
          await bLostThird.promise;
          await sleep(20); // b's pause after its conflict is 0 ms: it is waiting for its turns by now
        },
        lostThird: aLostThird.resolve,
      });
      await aLostThird.promise;
      await sleep(20); // as for b: a is waiting for its turns
      gate.resolve();

      // Each landed on its last attempt: a turn that lapsed would have let the other append first.
      expect(await Promise.all([aWrite, bWrite, gateWrite])).toEqual([4, 4, 4]);
      const texts = async (log: EventLog) =>
        (await log.read()).map((event) => (event.data as { text: string }).text);
      expect((await texts(logs.x)).filter((text) => text === "decided")).toHaveLength(2);
      expect((await texts(logs.y)).filter((text) => text === "decided")).toHaveLength(3);
    },
    60_000,
  );

  it.skipIf(skip)(
    "let go of a later turn before appending where they hold none, so two writes appending in opposite orders both land",
    async () => {
      const logs = await openLogs(openStores);
      const inTurn = { a: signal(), b: signal() };
      // a holds the turn on x and appends to y first; b holds the turn on y and appends to x first.
      const aWrite = scriptedWrite(logs, {
        loses: ["x", "x", "x"],
        appends: ["y", "x"],
        attempts: 6,
        before: pauseAt(4, inTurn.a.resolve, inTurn.b.promise),
      });
      const bWrite = scriptedWrite(logs, {
        loses: ["y", "y", "y"],
        appends: ["x", "y"],
        attempts: 6,
        before: pauseAt(4, inTurn.b.resolve, inTurn.a.promise),
      });

      // b let go of y to append to x (before y in the order), lost there to a, and took x and y for its fifth.
      expect(await Promise.all([aWrite, bWrite])).toEqual([4, 5]);
    },
    60_000,
  );

  it.skipIf(skip)(
    "let go of a later turn before appending again where their turn ended, so a write waiting for both lands",
    async () => {
      const logs = await openLogs(openStores);
      const bAtThird = signal();
      const aHolds = signal();
      const bLostThird = signal();
      // a holds x and y, appends to x (its turn there ends, b takes it and waits for y), then to x again.
      const aWrite = scriptedWrite(logs, {
        loses: ["x", "y", "x"],
        appends: ["x", "x", "y"],
        attempts: 6,
        before: async (tried) => {
          // b's first two attempts append to x and y: they land before a holds them.
          if (tried === 3) await bAtThird.promise;
          if (tried !== 4) return;
          aHolds.resolve();
          await bLostThird.promise;
          await sleep(20); // b's pause after its conflict is 0 ms: it is waiting for its turns by now
        },
      });
      const bWrite = scriptedWrite(logs, {
        loses: ["x", "y", "z"],
        appends: ["x", "y"],
        before: pauseAt(3, bAtThird.resolve, aHolds.promise),
        lostThird: bLostThird.resolve,
      });

      // a let go of y to append to x again, lost there to b, and took its turns again for its fifth.
      expect(await Promise.all([aWrite, bWrite])).toEqual([5, 4]);
    },
    60_000,
  );
});
