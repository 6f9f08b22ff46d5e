import { describe, expect, it } from "vitest";
import { skipPostgres } from "../fixtures/postgresTestServer.js";
import { faultProxySetup, note } from "./faultProxySetup.js";

// The pool takes its 'error' listener off a connection it lends out, and the
// driver emits 'error' when the server ends a connection in the middle of a
// statement: a store that lends itself connections must listen, or the host
// process (an MCP server, the CLI) dies of an uncaught exception.
const setup = faultProxySetup();

describe.skipIf(skipPostgres)("PostgreSQL store whose connection drops in the middle of a statement", () => {
  it("retries the append on a new connection, and nothing escapes as an uncaught exception", async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => void uncaught.push(error);
    process.on("uncaughtException", record);
    const proxy = await setup.proxy();
    const log = await setup.openLog({ url: proxy.url, schema: setup.schema("dropped") });
    try {
      await log.append(note("before"));
      proxy.loseNextCommitReply();
      const stored = await log.append(note("during"));
      expect(proxy.lostReplies).toBe(1);
      expect(stored.map((event) => event.seq)).toEqual([2]);
      // The driver emits the connection's end on a later turn of the event loop.
      await new Promise((settled) => setTimeout(settled, 100));
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", record);
    }
  });
});
