/**
 * The MCP server of a factory.
 *
 * @module
 */

import { McpServer } from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import { registerFactoryResources } from "./resources.js";
import { registerSkills } from "./skills.js";
import { advertisedArguments, errorResult, type FactoryTool, okResult, parseArguments } from "./toolKit.js";
import { factoryTools } from "./tools.js";

/** Options of {@link createFactoryMcpServer}. */
export interface FactoryMcpServerOptions {
  /** Name announced to clients (default `software-factory`). */
  readonly name?: string;
  /** Tool groups to offer (default knowledge, floorplan, work, standards and skills; `import` is offered only when named, since it reads folders on the server's machine). */
  readonly groups?: readonly FactoryTool["group"][];
}

/** Version announced to clients. */
export const SERVER_VERSION = "0.1.0";

/**
 * Creates an MCP server over a factory: its tools (search, context packs,
 * ownership and impact, signals, work items, trace links, standards, measures,
 * inboxes) and resources (`factory://floorplan`, `factory://lines/{id}`,
 * `factory://documents/{id}`, `factory://work/{id}`, `factory://standards`).
 *
 * Every tool validates its arguments; a failure (bad arguments, a rule of the
 * factory, an unknown id) comes back as a result with `isError` and a message
 * saying what to change, never as a crash. Connect it to a transport
 * ({@link serveStdio}, {@link serveHttp}) or your own.
 */
export function createFactoryMcpServer(factory: Factory, options: FactoryMcpServerOptions = {}): McpServer {
  const server = newServer(options);
  const groups = groupsOf(options);
  registerTools(server, groups, factory);
  registerResources(server, factory, groups);
  return server;
}

function newServer(options: FactoryMcpServerOptions): McpServer {
  return new McpServer(
    { name: options.name ?? "software-factory", version: SERVER_VERSION },
    {
      instructions:
        "The Software Factory: the product's lines, owners and dependencies, its knowledge (decisions, customer conversations, research), its work in flight and its standards. Start with get_context for a task, a line or a question; use search_knowledge for facts with sources; who_owns and impact_of_change before touching code; capture what you learn with capture_knowledge, and correct what is wrong with revise_knowledge or retract_knowledge.",
    },
  );
}

function groupsOf(options: FactoryMcpServerOptions): ReadonlySet<FactoryTool["group"]> {
  return new Set(options.groups ?? ["knowledge", "floorplan", "work", "standards", "skills"]);
}

function registerTools(server: McpServer, groups: ReadonlySet<FactoryTool["group"]>, factory: Factory): void {
  for (const tool of factoryTools) {
    if (!groups.has(tool.group)) continue;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: advertisedArguments(tool),
        outputSchema: tool.output,
        annotations: { title: tool.title, openWorldHint: false, ...tool.annotations },
      },
      async (input: unknown) => {
        try {
          return okResult(await tool.run(factory, parseArguments(tool, input)));
        } catch (error) {
          return errorResult(error);
        }
      },
    );
  }
}

function registerResources(
  server: McpServer,
  factory: Factory,
  groups: ReadonlySet<FactoryTool["group"]>,
): void {
  registerFactoryResources(server, factory);
  if (groups.has("skills")) registerSkills(server, factory);
}
