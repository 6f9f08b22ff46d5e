/**
 * Serving a factory over stdio.
 *
 * @module
 */

import type { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Factory } from "@software-factory/intelligence";
import {
  createDeferredFactoryMcpServer,
  createFactoryMcpServer,
  type FactoryMcpServerOptions,
} from "./createFactoryMcpServer.js";

/** Requests answered from the factory's resources and prompts, which exist once it is open. */
const NEEDS_FACTORY = /^(resources|prompts|completion)\//;
/** Messages that never need the factory. */
const HANDSHAKE = /^(initialize|ping|notifications\/)/;

/**
 * Serves a factory to one client over this process's stdin and stdout (what
 * Claude Code and Cursor start). Resolves when the client disconnects.
 *
 * Given a function that opens the factory instead of an open one, the server
 * answers `initialize` and `tools/list` before opening it: the factory opens
 * right after the first request past the handshake (usually the tool list) is
 * answered, and requests for resources, prompts and completions (and any
 * message after one) wait until it is open, so every answer is complete; tool
 * calls wait for it too. The caller closes the factory its function returned.
 *
 * @throws whatever the function throws when the factory cannot open; the
 * server is closed first.
 */
export async function serveStdio(
  factory: Factory | (() => Promise<Factory>),
  options: FactoryMcpServerOptions = {},
): Promise<void> {
  const transport = new StdioServerTransport();
  if (typeof factory !== "function") {
    const server = createFactoryMcpServer(factory, options);
    await server.connect(transport);
    await untilClosed(server);
    return;
  }
  const { server, ready } = createDeferredFactoryMcpServer(factory, options);
  await server.connect(transport);
  let failure: { error: unknown } | undefined;
  const opened = () =>
    ready().catch((error: unknown) => {
      failure ??= { error };
      void server.close();
      throw error;
    });
  const deliver = transport.onmessage;
  let held: Parameters<NonNullable<typeof deliver>>[] | undefined = [];
  transport.onmessage = (...args) => {
    const [message] = args;
    const method = "method" in message ? message.method : undefined;
    if (held !== undefined && (held.length > 0 || NEEDS_FACTORY.test(method ?? ""))) {
      held.push(args);
      opened().then(
        () => {
          const waiting = held ?? [];
          held = undefined;
          for (const next of waiting) deliver?.(...next);
        },
        () => undefined,
      );
      return;
    }
    deliver?.(...args);
    // Open the factory after answering this request (the tool list is on its way while it opens).
    if (method !== undefined && !HANDSHAKE.test(method)) setImmediate(() => opened().catch(() => undefined));
  };
  await untilClosed(server);
  if (failure !== undefined) throw failure.error;
}

async function untilClosed(server: McpServer): Promise<void> {
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
  });
  await server.close();
}
