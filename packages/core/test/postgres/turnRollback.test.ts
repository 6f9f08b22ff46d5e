import { ConcurrencyConflictError, type EventLog, retryOnConflict } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import type { FaultProxy } from "../fixtures/postgresFaultProxy.js";
import { skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

const setup = faultProxySetup();

/** A log on a fresh schema through a new fault proxy: queryTimeoutMs 30 s (the default), callTimeoutMs 3 s. */
async function logBehindProxy(): Promise<{ log: EventLog; proxy: FaultProxy; schema: string }> {
  const schema = setup.schema("turnrollback");
  const proxy = await setup.proxy();
  const log = await setup.openLog({ url: proxy.url, schema, callTimeoutMs: 3_000 });
  return { log, proxy, schema };
}

/**
 * Runs a write through `log` whose first attempt loses and whose second, the
 * last, runs in a write turn and does `last` with the head it read.
 */
function writeInTurn<T>(log: EventLog, last: (head: number) => Promise<T>): Promise<T> {
  let tried = 0;
  return retryOnConflict(
    async () => {
      tried++;
      const head = await log.head();
      if (tried > 1) return last(head);
      await log.append(note("moves the head"));
      await log.append(note("stale"), { expectedHead: head });
      throw new Error("the first attempt was meant to lose");
    },
    { attempts: 2, maxBackoffMs: 0 },
  );
}

// Each test's timeout (15 s) is half of queryTimeoutMs: a ROLLBACK waited for that long fails it.
describe.skipIf(skipPostgres)("a write turn whose ROLLBACK is not answered", () => {
  it("ends the write no later than its call may last when the attempt appends nothing", async () => {
    const { log, proxy, schema } = await logBehindProxy();

    const result = await writeInTurn(log, async () => {
      proxy.freezeAfterNextRollback();
      return "decided to append nothing";
    });

    expect(result).toBe("decided to append nothing");
    // The server ended the frozen session, and so freed the append lock, once idle for as long as the turn lasts.
    const direct = await setup.openLog({ schema, callTimeoutMs: 10_000 });
    expect((await direct.append(note("after the turn"))).map((event) => event.seq)).toEqual([2]);
  }, 15_000);

  it("fails the append whose head check failed in the turn no later than its call may last", async () => {
    const { log, proxy } = await logBehindProxy();

    const failure = await writeInTurn(log, async (head) => {
      proxy.freezeAfterNextRollback();
      return log.append(note("expects a head the log is not at"), { expectedHead: head + 1 });
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(ConcurrencyConflictError);
  }, 15_000);
});
