import { openPostgresEventStore } from "@software-factory/core/postgres";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "../contract/eventStoreContract.js";
import { startFaultProxy } from "../fixtures/postgresFaultProxy.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";

// The pool takes its 'error' listener off a connection it lends out, and the
// driver emits 'error' when the server ends a connection in the middle of a
// statement: a store that lends itself connections must listen, or the host
// process (an MCP server, the CLI) dies of an uncaught exception.
const schemas = new TestSchemas();

afterEach(async () => {
  await schemas.dropAll();
});

describe.skipIf(skipPostgres)("PostgreSQL store whose connection drops in the middle of a statement", () => {
  it("retries the append on a new connection, and nothing escapes as an uncaught exception", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => void uncaught.push(error);
    process.on("uncaughtException", record);
    const proxy = await startFaultProxy(POSTGRES_TEST_URL);
    const store = await openPostgresEventStore({ url: proxy.url, schema: schemas.next("dropped") });
    try {
      const log = logOver(store);
      await log.append({ type: "note.added", subject: "s", data: { text: "before" } });
      proxy.loseNextCommitReply();
      const stored = await log.append({ type: "note.added", subject: "s", data: { text: "during" } });
      expect(proxy.lostReplies).toBe(1);
      expect(stored.map((event) => event.seq)).toEqual([2]);
      // The driver emits the connection's end on a later turn of the event loop.
      await new Promise((settled) => setTimeout(settled, 100));
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", record);
      await store.close();
      await proxy.close();
    }
  });
});
