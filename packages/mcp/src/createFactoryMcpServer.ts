/**
 * The MCP server of a factory.
 *
 * @module
 */

import { McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import type { Factory } from "@software-factory/intelligence";
import { registerFactoryResources } from "./resources.js";
import { registerSkills } from "./skills.js";
import { errorResult, type FactoryTool, okResult } from "./toolKit.js";
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
  const ready = Promise.resolve(factory);
  registerTools(server, groups, () => ready);
  registerFactoryParts(server, factory, groups);
  return server;
}

/** A factory's MCP server whose factory opens when first needed; see {@link createDeferredFactoryMcpServer}. */
export interface DeferredFactoryMcpServer {
  readonly server: McpServer;
  /**
   * Opens the factory (once) and registers its resources and prompts; resolves
   * with the open factory. Every tool call waits for it first.
   */
  ready(): Promise<Factory>;
}

/**
 * Creates a factory's MCP server before its factory is open, so it answers
 * `initialize` and `tools/list` at once: `open` runs on the first call of
 * {@link DeferredFactoryMcpServer.ready}, which every tool call makes, and the
 * factory's resources and prompts are registered then (clients are told the
 * lists changed). Serve it through a transport that holds resource, prompt and
 * completion requests until `ready()` resolves, as {@link serveStdio} does, so
 * a client never sees those lists before they are complete. The caller closes
 * the factory `open` returned.
 */
export function createDeferredFactoryMcpServer(
  open: () => Promise<Factory>,
  options: FactoryMcpServerOptions = {},
): DeferredFactoryMcpServer {
  const server = newServer(options);
  const groups = groupsOf(options);
  let opening: Promise<Factory> | undefined;
  const ready = () => {
    opening ??= open().then((factory) => {
      registerFactoryParts(server, factory, groups);
      return factory;
    });
    return opening;
  };
  registerTools(server, groups, ready);
  installLateRegistration(server, groups);
  return { server, ready };
}

function newServer(options: FactoryMcpServerOptions): McpServer {
  return new McpServer(
    { name: options.name ?? "software-factory", version: SERVER_VERSION },
    {
      instructions:
        "The Software Factory: the product's lines, owners and dependencies, its knowledge (decisions, customer conversations, research), its work in flight and its standards. Start with get_context for a task, a line or a question; use search_knowledge for facts with sources; who_owns and impact_of_change before touching code; capture what you learn with capture_knowledge.",
    },
  );
}

function groupsOf(options: FactoryMcpServerOptions): ReadonlySet<FactoryTool["group"]> {
  return new Set(options.groups ?? ["knowledge", "floorplan", "work", "standards", "skills"]);
}

function registerTools(
  server: McpServer,
  groups: ReadonlySet<FactoryTool["group"]>,
  factory: () => Promise<Factory>,
): void {
  for (const tool of factoryTools) {
    if (!groups.has(tool.group)) continue;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { title: tool.title, openWorldHint: false, ...tool.annotations },
      },
      async (input: unknown) => {
        try {
          return okResult(await tool.run(await factory(), input));
        } catch (error) {
          return errorResult(error);
        }
      },
    );
  }
}

function registerFactoryParts(
  server: McpServer,
  factory: Factory,
  groups: ReadonlySet<FactoryTool["group"]>,
): void {
  registerFactoryResources(server, factory);
  if (groups.has("skills")) registerSkills(server, factory);
}

/**
 * Installs the resource, prompt and completion handlers of a server whose
 * resources and prompts are registered after it connects: the SDK fixes a
 * server's capabilities when it connects and installs those handlers with the
 * first registration of each kind, so one registration, removed at once, does
 * it now.
 */
function installLateRegistration(server: McpServer, groups: ReadonlySet<FactoryTool["group"]>): void {
  server
    .registerResource(
      "opening",
      new ResourceTemplate("factory://opening/{id}", { list: undefined, complete: { id: () => [] } }),
      {},
      (uri) => ({ contents: [{ uri: uri.href, text: "" }] }),
    )
    .remove();
  if (groups.has("skills")) {
    server.registerPrompt("opening", {}, () => ({ messages: [] })).remove();
  }
}
