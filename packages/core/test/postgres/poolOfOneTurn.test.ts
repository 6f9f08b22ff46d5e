import { setTimeout as sleep } from "node:timers/promises";
import { type EventLog, type Projection, retryOnConflict, startProjection } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";
import { signal } from "../fixtures/signal.js";

const schemas = new TestSchemas();
const opened: EventLog[] = [];
const projections: Projection[] = [];

afterEach(async () => {
  for (const projection of projections.splice(0)) await projection.close();
  // Closing a store ends the turns held on it, so a call stuck behind one lets go.
  for (const log of opened.splice(0)) await log.close();
  await schemas.dropAll();
});

/**
 * How long a write turn lasts at most in these tests: five minutes, far past
 * the test's timeout, so a write that waits for a turn to lapse never lands
 * within the test.
 */
const TURN_LASTS_MS = 300_000;

const note = (text: string) => ({ type: "note.added", subject: "plan", data: { text } });

/** A log on `schema` (default a fresh one) with a pool of one connection, whose turns last `TURN_LASTS_MS`. */
async function openLog(schema = schemas.next("poolofone")): Promise<EventLog> {
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set("pool_max", "1");
  const store = await openPostgresEventStore({
    url: url.toString(),
    schema,
    callTimeoutMs: 2 * TURN_LASTS_MS,
  });
  const log = logOver(store);
  opened.push(log);
  return log;
}

/**
 * A write whose first three attempts lose (another event lands after the
 * attempt read the head) and whose fourth, in a write turn, runs `inTurn`,
 * then appends with the head it read. Resolves with the attempts made.
 */
function writeInTurn(log: EventLog, inTurn: () => Promise<unknown>): Promise<number> {
  let tried = 0;
  return retryOnConflict(
    async () => {
      tried++;
      const head = await log.head();
      if (tried < 4) {
        await log.append(note("moves the head"));
      } else {
        await inTurn();
      }
      await log.append(note(`decided at ${head}`), { expectedHead: head });
      return tried;
    },
    { attempts: 4, maxBackoffMs: 0 },
  );
}

describe.skipIf(skipPostgres)("a write turn on a store with a pool of one connection", () => {
  it("lands a write whose attempt waits for a projection's catch-up begun outside the write", async () => {
    const log = await openLog();
    const projection = await startProjection(log, { apply: () => undefined });
    projections.push(projection);
    // Registered outside the write: what it starts runs outside the write's turn, as a
    // catch-up woken by a notification of another writer's append does.
    const wake = signal();
    const woken = wake.promise.then(() => projection.catchUp());

    const tried = await writeInTurn(log, async () => {
      wake.resolve();
      await sleep(20); // the woken catch-up is reading the head by now
      await projection.catchUp();
    });

    // Landed in the turn: one that lapsed would have let the write conflict on its last attempt.
    expect(tried).toBe(4);
    // The woken catch-up read while the turn was held, before the write's own event.
    expect(await woken).toBe(3);
    expect(await projection.catchUp()).toBe(4);
  }, 60_000);

  it("lands two writes, each in a turn on one store, whose attempts read the other's store", async () => {
    const x = await openLog();
    const y = await openLog();
    const holding = { x: signal(), y: signal() };
    // Each attempt in its turn reads the other store once both turns are held.
    const onX = writeInTurn(x, async () => {
      holding.x.resolve();
      await holding.y.promise;
      await y.head();
    });
    const onY = writeInTurn(y, async () => {
      holding.y.resolve();
      await holding.x.promise;
      await x.head();
    });

    expect(await Promise.all([onX, onY])).toEqual([4, 4]);
  }, 60_000);

  it("lands a write that lost through one store and appends, in its turn, through another store on the same schema", async () => {
    const schema = schemas.next("samelog");
    const a = await openLog(schema);
    const b = await openLog(schema);
    let tried = 0;

    const stored = await retryOnConflict(
      async () => {
        tried++;
        const head = await a.head();
        if (tried < 4) await a.append(note("moves the head"));
        // The turn the write took on a (both stores) lets b's append, and only it, through.
        return (tried < 4 ? a : b).append(note(`decided at ${head}`), { expectedHead: head });
      },
      { attempts: 4, maxBackoffMs: 0 },
    );

    expect(stored.map((event) => event.seq)).toEqual([4]);
    expect(tried).toBe(4);
    // The store closed first leaves the other's turns working.
    await a.close();
    let again = 0;
    const more = await retryOnConflict(
      async () => {
        again++;
        const head = await b.head();
        if (again < 4) await b.append(note("moves the head"));
        return b.append(note(`decided at ${head}`), { expectedHead: head });
      },
      { attempts: 4, maxBackoffMs: 0 },
    );
    expect(more.map((event) => event.seq)).toEqual([8]);
  }, 60_000);
});
