/**
 * What an append says when its connection breaks or goes silent and no
 * retry gets it through: the events, when the server had committed them
 * and only the answer was lost; that nothing was written, when the server
 * answers on a new connection and the batch did not land; that it may have
 * landed, when the server cannot be asked. Never that the append took too
 * long (it did not: slowAppend.test.ts has the statement that does), nor only
 * to ask whether the server runs when it answers.
 */
import { type EventLog, StoreError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import type { FaultProxy } from "../fixtures/postgresFaultProxy.js";
import { POSTGRES_TEST_URL, skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

const setup = faultProxySetup();

/** A log through a fault proxy whose calls have one attempt, with one event appended (its pool has a connection). */
async function oneAttemptLog(prefix: string): Promise<{ log: EventLog; proxy: FaultProxy; schema: string }> {
  const schema = setup.schema(prefix);
  const proxy = await setup.proxy();
  const log = await setup.openLog({ url: proxy.url, schema, queryTimeoutMs: 1_000, retry: { attempts: 1 } });
  await log.append(note("before"));
  return { log, proxy, schema };
}

/** The message an append failed with. */
async function failure(appending: Promise<unknown>): Promise<string> {
  const error = await appending.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StoreError);
  return (error as StoreError).message;
}

/** The texts of the notes in `schema`, read straight from the server. */
async function textsIn(schema: string): Promise<string[]> {
  const log = await setup.openLog({ url: POSTGRES_TEST_URL, schema });
  return (await log.read()).map((event) => (event.data as { text: string }).text);
}

describe.skipIf(skipPostgres)("an append whose connection is lost and not retried through", () => {
  it("returns its events when the server committed them and only the answer was lost", async () => {
    const { log, proxy, schema } = await oneAttemptLog("lost_landed");
    proxy.loseNextCommitReply();

    const stored = await log.append(note("answer lost"));

    expect(proxy.lostReplies).toBe(1);
    expect(stored.map((event) => event.seq)).toEqual([2]);
    expect(await textsIn(schema)).toEqual(["before", "answer lost"]);
  });

  it("says the connection was lost and nothing was written when the append never reached the server", async () => {
    const { log, proxy, schema } = await oneAttemptLog("lost_unsent");
    proxy.cutNextAppend();

    const message = await failure(log.append(note("never sent")));

    expect(message).toMatch(
      /^the connection to PostgreSQL at 127\.0\.0\.1:\d+\/test was lost while appending 1 event of \d+ bytes \(.+\), though the server answers on a new one: it was not running the append and nothing was written, so appending again is safe; /,
    );
    expect(message).not.toContain("took longer than");
    expect(message).not.toContain("is the server running");
    expect(await textsIn(schema)).toEqual(["before"]);
  });

  it("says the connection went silent, not that the append took too long, when it never reached the server", async () => {
    const { log, proxy, schema } = await oneAttemptLog("lost_silent");
    // The pool's connection stops passing anything; the server never gets the append, and answers new connections.
    proxy.freezeOpenConnections();

    const message = await failure(log.append(note("never arrived")));

    expect(message).toMatch(/was lost while appending 1 event of \d+ bytes \(it went silent: no answer came/);
    expect(message).toContain("it was not running the append and nothing was written");
    expect(message).not.toContain("took longer than");
    expect(await textsIn(schema)).toEqual(["before"]);
  });

  it("says the append may have landed when the server cannot be asked after the connection broke", async () => {
    const { log, proxy, schema } = await oneAttemptLog("lost_unknown");
    proxy.loseNextCommitReply("silence");

    const message = await failure(log.append(note("landed unseen")));

    expect(message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/test while appending events: /);
    expect(message).toMatch(
      /; the connection broke after the append was sent, so it may have landed: read the log before appending again \(an idempotencyKey makes appending again safe\)$/,
    );
    expect(await textsIn(schema)).toEqual(["before", "landed unseen"]);
  });

  it("says the append may have landed when its retries cannot reach the server after the connection broke", async () => {
    const schema = setup.schema("lost_retried");
    const proxy = await setup.proxy();
    const log = await setup.openLog({
      url: proxy.url,
      schema,
      callTimeoutMs: 2_000,
      pool: { connectionTimeoutMs: 300 },
    });
    await log.append(note("before"));
    proxy.loseNextCommitReply("silence");

    const message = await failure(log.append(note("landed unseen")));

    expect(message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:\d+\/test while appending events/);
    expect(message).toMatch(
      /; the connection broke after the append was sent, so it may have landed: read the log/,
    );
    expect(await textsIn(schema)).toEqual(["before", "landed unseen"]);
  });
});
