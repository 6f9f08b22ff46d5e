/**
 * Serving a factory over stdio.
 *
 * @module
 */

import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Factory } from "@software-factory/intelligence";
import { createFactoryMcpServer, type FactoryMcpServerOptions } from "./createFactoryMcpServer.js";

/**
 * A stdio transport that writes one message at a time. The SDK's `send` adds
 * an `error` and a `drain` listener to stdout while a write waits for the pipe
 * to drain, so many answers queued behind a full pipe (fifty parallel calls
 * with large results) each added a pair, past Node's leak warning; in a queue,
 * at most one pair is attached at a time and the order is kept.
 */
class OneAtATimeStdioTransport extends StdioServerTransport {
  #last: Promise<unknown> = Promise.resolve();

  override send(message: Parameters<StdioServerTransport["send"]>[0]): Promise<void> {
    const sent = this.#last.then(() => super.send(message));
    this.#last = sent.catch(() => undefined);
    return sent;
  }
}

/**
 * Serves a factory to one client over this process's stdin and stdout (what
 * Claude Code and Cursor start). Resolves when the client disconnects.
 *
 * Given a function that opens the factory instead of an open one, it opens
 * the factory first and speaks only once it is open, so a factory that cannot
 * open fails here, before a client is told of any tool (opening takes tens of
 * milliseconds, even for a thousand lines). The caller closes the factory.
 *
 * @throws whatever the function throws when the factory cannot open; nothing
 * was written to stdout then.
 */
export async function serveStdio(
  factory: Factory | (() => Promise<Factory>),
  options: FactoryMcpServerOptions = {},
): Promise<void> {
  const opened = typeof factory === "function" ? await factory() : factory;
  const server = createFactoryMcpServer(opened, options);
  await server.connect(new OneAtATimeStdioTransport());
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
  });
  await server.close();
}
