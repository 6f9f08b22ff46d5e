/**
 * Serving a factory over stdio.
 *
 * @module
 */

import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import type { Factory } from "@software-factory/intelligence";
import { createFactoryMcpServer, type FactoryMcpServerOptions } from "./createFactoryMcpServer.js";

/**
 * Serves a factory to one client over this process's stdin and stdout (what
 * Claude Code and Cursor start). Resolves when the client disconnects.
 */
export async function serveStdio(factory: Factory, options: FactoryMcpServerOptions = {}): Promise<void> {
  const server = createFactoryMcpServer(factory, options);
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
  });
  await server.close();
}
