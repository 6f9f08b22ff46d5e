import { type EventLog, retryOnConflict } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import { type FaultProxy, startFaultProxy } from "../fixtures/postgresFaultProxy.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const opened: EventLog[] = [];
const proxies: FaultProxy[] = [];

afterEach(async () => {
  for (const log of opened.splice(0)) await log.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
  await schemas.dropAll();
});

const note = (text: string) => ({ type: "note.added", subject: "s", data: { text } });

async function openLog(url: string, schema: string, queryTimeoutMs = 3_000): Promise<EventLog> {
  const log = logOver(await openPostgresEventStore({ url, schema, callTimeoutMs: 3_000, queryTimeoutMs }));
  opened.push(log);
  return log;
}

/**
 * Runs a write through `log` whose first attempt loses and whose second, the
 * last, runs in a write turn whose COMMIT passes the proxy and whose answer
 * never comes back. Resolves with the positions it stored and its attempts.
 */
async function writeWithLostCommit(
  log: EventLog,
  proxy: FaultProxy,
): Promise<{ seqs: number[]; tried: number }> {
  let tried = 0;
  const stored = await retryOnConflict(
    async () => {
      tried++;
      const head = await log.head();
      if (tried === 1) await log.append(note("moves the head"));
      else proxy.freezeAfterNextCommit();
      return log.append(note(`decided at ${head}`), { expectedHead: head });
    },
    { attempts: 2, maxBackoffMs: 0 },
  );
  return { seqs: stored.map((event) => event.seq), tried };
}

describe.skipIf(skipPostgres)("a write turn whose commit is not answered", () => {
  it("returns the events its append committed, instead of failing with the outcome unknown", async () => {
    const schema = schemas.next("turncommit");
    const proxy = await startFaultProxy(POSTGRES_TEST_URL);
    proxies.push(proxy);
    // The commit's answer is waited for as long as the whole call may last: none is left to retry in.
    const log = await openLog(proxy.url, schema);

    expect(await writeWithLostCommit(log, proxy)).toEqual({ seqs: [2], tried: 2 });
    const texts = (await (await openLog(POSTGRES_TEST_URL, schema)).read()).map(
      (event) => (event.data as { text: string }).text,
    );
    expect(texts).toEqual(["moves the head", "decided at 1"]);
  });

  it("waits for the commit's answer no longer than its call may last", async () => {
    const schema = schemas.next("turncommit");
    const proxy = await startFaultProxy(POSTGRES_TEST_URL);
    proxies.push(proxy);
    // queryTimeoutMs 30 s (the default) past callTimeoutMs 3 s: the call returns within the test's 15 s.
    const log = await openLog(proxy.url, schema, 30_000);

    expect(await writeWithLostCommit(log, proxy)).toEqual({ seqs: [2], tried: 2 });
  }, 15_000);
});
