import { type EventLog, retryOnConflict, StoreError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import type { FaultProxy } from "../fixtures/postgresFaultProxy.js";
import { skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

const setup = faultProxySetup();

/**
 * Runs a write through `log` whose first attempt loses, and whose second, the
 * last, runs in a write turn whose start the proxy cuts `cuts` times.
 * Resolves with the positions it stored and its attempts.
 */
async function writeThroughCutTurnStarts(
  log: EventLog,
  proxy: FaultProxy,
  cuts: number,
): Promise<{ seqs: number[]; tried: number }> {
  let tried = 0;
  const stored = await retryOnConflict(
    async () => {
      tried++;
      const head = await log.head();
      if (tried === 1) {
        await log.append(note("moves the head"));
        proxy.cutNextTurnStarts(cuts);
      }
      return log.append(note(`decided at ${head}`), { expectedHead: head });
    },
    { attempts: 2, maxBackoffMs: 0 },
  );
  return { seqs: stored.map((event) => event.seq), tried };
}

/** The texts of the notes in `schema`, read without the proxy. */
async function texts(schema: string): Promise<string[]> {
  const log = await setup.openLog({ schema });
  return (await log.read()).map((event) => (event.data as { text: string }).text);
}

describe.skipIf(skipPostgres)("a write turn whose connection drops while it is taken", () => {
  it("is taken again on a new connection, and the write's append lands once", async () => {
    const schema = setup.schema("turnlost");
    const proxy = await setup.proxy();
    const log = await setup.openLog({ url: proxy.url, schema, callTimeoutMs: 5_000 });

    expect(await writeThroughCutTurnStarts(log, proxy, 1)).toEqual({ seqs: [2], tried: 2 });

    expect(proxy.cutTurnStarts).toBe(1);
    expect(await texts(schema)).toEqual(["moves the head", "decided at 1"]);
  });

  it("fails the write with the connection's error after retry.attempts, having written nothing", async () => {
    const schema = setup.schema("turnlost");
    const proxy = await setup.proxy();
    const log = await setup.openLog({ url: proxy.url, schema, callTimeoutMs: 5_000, retry: { attempts: 3 } });

    const failure = await writeThroughCutTurnStarts(log, proxy, 10).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(
      /^cannot reach PostgreSQL at .* while waiting for a write turn \(3 attempts\): Connection terminated/,
    );
    expect(proxy.cutTurnStarts).toBe(3);
    expect(await texts(schema)).toEqual(["moves the head"]);
  });
});
