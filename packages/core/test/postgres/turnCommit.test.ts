import { type EventLog, retryOnConflict } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import type { FaultProxy } from "../fixtures/postgresFaultProxy.js";
import { POSTGRES_TEST_URL, skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

const setup = faultProxySetup();

function openLog(url: string, schema: string, queryTimeoutMs = 3_000): Promise<EventLog> {
  return setup.openLog({ url, schema, callTimeoutMs: 3_000, queryTimeoutMs });
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
    const schema = setup.schema("turncommit");
    const proxy = await setup.proxy();
    // The commit's answer is waited for as long as the whole call may last: none is left to retry in.
    const log = await openLog(proxy.url, schema);

    expect(await writeWithLostCommit(log, proxy)).toEqual({ seqs: [2], tried: 2 });
    const texts = (await (await openLog(POSTGRES_TEST_URL, schema)).read()).map(
      (event) => (event.data as { text: string }).text,
    );
    expect(texts).toEqual(["moves the head", "decided at 1"]);
  });

  it("waits for the commit's answer no longer than its call may last", async () => {
    const schema = setup.schema("turncommit");
    const proxy = await setup.proxy();
    // queryTimeoutMs 30 s (the default) past callTimeoutMs 3 s: the call returns within the test's 15 s.
    const log = await openLog(proxy.url, schema, 30_000);

    expect(await writeWithLostCommit(log, proxy)).toEqual({ seqs: [2], tried: 2 });
  }, 15_000);
});
