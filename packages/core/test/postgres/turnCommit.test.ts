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

async function openLog(url: string, schema: string): Promise<EventLog> {
  // The commit's answer is waited for as long as the whole call may last: none is left to retry in.
  const log = logOver(
    await openPostgresEventStore({ url, schema, callTimeoutMs: 3_000, queryTimeoutMs: 3_000 }),
  );
  opened.push(log);
  return log;
}

describe.skipIf(skipPostgres)("a write turn whose commit is not answered", () => {
  it("returns the events its append committed, instead of failing with the outcome unknown", async () => {
    const schema = schemas.next("turncommit");
    const proxy = await startFaultProxy(POSTGRES_TEST_URL);
    proxies.push(proxy);
    const log = await openLog(proxy.url, schema);
    let tried = 0;

    const stored = await retryOnConflict(
      async () => {
        tried++;
        const head = await log.head();
        // The first attempt loses; the second, the last, runs in a write turn whose COMMIT's answer never comes.
        if (tried === 1) await log.append(note("moves the head"));
        else proxy.freezeAfterNextCommit();
        return log.append(note(`decided at ${head}`), { expectedHead: head });
      },
      { attempts: 2, maxBackoffMs: 0 },
    );

    expect(tried).toBe(2);
    expect(stored.map((event) => event.seq)).toEqual([2]);
    const texts = (await (await openLog(POSTGRES_TEST_URL, schema)).read()).map(
      (event) => (event.data as { text: string }).text,
    );
    expect(texts).toEqual(["moves the head", "decided at 1"]);
  });
});
