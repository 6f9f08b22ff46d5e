/**
 * The MCP server of a factory.
 *
 * @module
 */

import { resolve } from "node:path";
import { McpServer, type ServerContext } from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import { advertisedArguments, advertisedResult } from "./advertisedSchemas.js";
import { SERVED_PROTOCOL_VERSIONS } from "./protocolVersions.js";
import { RequestParams, refuseSinglePageCursors } from "./requestParams.js";
import { ResourceListing } from "./resourcePages.js";
import { checkResourceRequests } from "./resourceRequests.js";
import { registerListedResources } from "./resources.js";
import { registerSkills } from "./skills.js";
import { answerToolCalls, callContext, logCancelled, type ServedTool } from "./toolCalls.js";
import { errorResult, type FactoryTool, okResult, parseArguments, type ToolContext } from "./toolKit.js";
import { factoryTools } from "./tools.js";

/** Options of {@link createFactoryMcpServer}. */
export interface FactoryMcpServerOptions {
  /** Name announced to clients (default `software-factory`). */
  readonly name?: string;
  /** Tool groups to offer (default knowledge, floorplan, work, standards and skills; `import` is offered only when named, since it reads folders on the server's machine). */
  readonly groups?: readonly FactoryTool["group"][];
  /**
   * The folder of Agent Skills that {@link serveStdio} and {@link serveHttp}
   * follow while they serve: a skill folder added, changed or removed there
   * reloads the factory's instruction skills, updates the prompts and tells
   * clients (`notifications/prompts/list_changed`); a SKILL.md that fails to
   * load is named on stderr and left out. Default: the folder the factory
   * loaded its skills from (`factory.skills.instructionsDir`: `<factory
   * dir>/skills`, or the `skillsDir` given to `openFactory`); `false` follows
   * none. Followed only with the `skills` group. A server made by
   * {@link createFactoryMcpServer} alone offers the skills the factory has
   * when it is made.
   */
  readonly skillsDir?: string | false;
  /**
   * The folder `import_codebase` may read under: a path that does not
   * resolve (symbolic links followed) inside it is refused without saying
   * whether it exists. Without it the tool reads any folder the process can;
   * {@link serveHttp} refuses the `import` group without it.
   */
  readonly importRoot?: string;
}

/** Version announced to clients. */
export const SERVER_VERSION = "0.1.0";

/**
 * Creates an MCP server over a factory: its tools (search, context packs,
 * ownership and impact, signals, work items, trace links, standards, measures,
 * inboxes) and resources (`factory://floorplan`, `factory://lines/{id}`,
 * `factory://documents/{id}`, `factory://work/{id}`, `factory://artifacts/{id}`,
 * `factory://signals/{id}`, `factory://standards`).
 *
 * Every tool validates its arguments; a failure (bad arguments, a rule of the
 * factory, an unknown id) comes back as a result with `isError` and a message
 * saying what to change, never as a crash; so does a call of a tool the
 * server does not serve (naming the group it is in, or the served tools
 * close to a name that is no tool). Connect it to a transport
 * ({@link serveStdio}, {@link serveHttp}) or your own.
 */
export function createFactoryMcpServer(factory: Factory, options: FactoryMcpServerOptions = {}): McpServer {
  return buildFactoryMcpServer(factory, options).server;
}

/**
 * What {@link createFactoryMcpServer} makes, with the function that updates
 * the server's skill prompts after the factory's skills were reloaded
 * (undefined without the `skills` group). For the serving functions; not
 * exported by the package.
 */
export function buildFactoryMcpServer(
  factory: Factory,
  options: FactoryMcpServerOptions,
): { server: McpServer; syncSkills: (() => void) | undefined } {
  const server = newServer(options);
  const params = new RequestParams(server);
  const groups = groupsOf(options);
  const context = options.importRoot === undefined ? {} : { importRoot: resolve(options.importRoot) };
  registerTools(server, groups, factory, context);
  const listing = new ResourceListing();
  registerListedResources(server, factory, listing);
  const syncSkills = groups.has("skills") ? registerSkills(server, factory, listing, params) : undefined;
  listing.page(server);
  checkResourceRequests(params, listing);
  refuseSinglePageCursors(params);
  return { server, syncSkills };
}

/** Whether a server with these options offers skills, and so follows its skills folder. */
export function offersSkills(options: FactoryMcpServerOptions): boolean {
  return groupsOf(options).has("skills");
}

function newServer(options: FactoryMcpServerOptions): McpServer {
  return new McpServer(
    { name: options.name ?? "software-factory", version: SERVER_VERSION },
    {
      supportedProtocolVersions: [...SERVED_PROTOCOL_VERSIONS],
      instructions:
        "The Software Factory: the product's lines, owners and dependencies, its knowledge (decisions, customer conversations, research), its work in flight and its standards. Start with get_context for a task, a line or a question; use search_knowledge for facts with sources; who_owns and impact_of_change before touching code; capture what you learn with capture_knowledge, and correct what is wrong with revise_knowledge or retract_knowledge.",
    },
  );
}

function groupsOf(options: FactoryMcpServerOptions): ReadonlySet<FactoryTool["group"]> {
  return new Set(options.groups ?? ["knowledge", "floorplan", "work", "standards", "skills"]);
}

function registerTools(
  server: McpServer,
  groups: ReadonlySet<FactoryTool["group"]>,
  factory: Factory,
  context: ToolContext,
): void {
  const served = new Map<string, ServedTool>();
  for (const tool of factoryTools) {
    if (!groups.has(tool.group)) continue;
    const call = async (input: unknown, ctx: ServerContext) => {
      const { signal } = ctx.mcpReq;
      try {
        const answer = await tool.run(factory, parseArguments(tool, input), {
          ...context,
          ...callContext(ctx),
        });
        const result = okResult(answer, tool.text?.(answer));
        if (signal.aborted) logCancelled(tool.name, ctx, "it ran to its end");
        return result;
      } catch (error) {
        if (signal.aborted)
          logCancelled(tool.name, ctx, error === signal.reason ? "it stopped early" : "it failed");
        return errorResult(error);
      }
    };
    const registered = server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: advertisedArguments(tool),
        outputSchema: advertisedResult(tool),
        annotations: { title: tool.title, openWorldHint: false, ...tool.annotations },
      },
      call,
    );
    served.set(tool.name, { tool, registered, call });
  }
  answerToolCalls(server, served, groups);
}
