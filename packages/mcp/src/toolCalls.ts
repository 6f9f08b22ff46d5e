/**
 * How the server answers `tools/call`: a served tool runs; a tool of a group
 * the server was not started with, or a name that is no tool, is answered
 * with an `E_NOT_FOUND` error result saying so, where the MCP SDK answers a
 * bare "Tool ... not found" that leaves an agent guessing.
 *
 * @module
 */
import type { CallToolResult, McpServer, RegisteredTool } from "@modelcontextprotocol/server";
import { NotFoundError, nearNames } from "@software-factory/core";
import { errorResult, type FactoryTool } from "./toolKit.js";
import { factoryTools } from "./tools.js";

/** A tool the server serves: its SDK registration and the function that answers a call of it. */
export interface ServedTool {
  /** The factory's tool. */
  readonly tool: FactoryTool;
  /** What {@link McpServer.registerTool} returned for it (its advertised output schema). */
  readonly registered: RegisteredTool;
  /** Answers a call with these arguments (not yet validated). */
  readonly call: (input: unknown) => Promise<CallToolResult>;
}

/**
 * Replaces the SDK's `tools/call` handler of a server whose tools are all
 * `served` (registered, so `tools/list` lists them): a served tool runs as
 * the SDK would run it (its structured result checked against its output
 * schema, then projected for the negotiated protocol revision); any other
 * name is answered by {@link unservedTool}. Does nothing without served
 * tools, as the server then declares no tools.
 */
export function answerToolCalls(
  server: McpServer,
  served: ReadonlyMap<string, ServedTool>,
  groups: ReadonlySet<FactoryTool["group"]>,
): void {
  if (served.size === 0) return;
  server.server.removeRequestHandler("tools/call");
  server.server.setRequestHandler("tools/call", async (request) => {
    const { name } = request.params;
    const found = served.get(name);
    if (found === undefined) return errorResult(unservedTool(name, served, groups));
    const result = await found.call(request.params.arguments);
    if (result.isError !== true) {
      const checked = found.tool.output.safeParse(result.structuredContent);
      if (!checked.success)
        return errorResult(
          new Error(`the result of ${name} does not match its output schema: ${checked.error.message}`),
        );
    }
    return server.server.projectCallToolResult(result, found.registered.outputSchemaJson);
  });
}

/**
 * The error for a call of a tool the server does not serve: a tool of a group
 * it was not started with is named with its group and the groups served; a
 * name that is no tool is named with the served tools close to it.
 */
export function unservedTool(
  name: string,
  served: ReadonlyMap<string, ServedTool>,
  groups: ReadonlySet<FactoryTool["group"]>,
): NotFoundError {
  const tool = factoryTools.find((known) => known.name === name);
  if (tool !== undefined) {
    return new NotFoundError({
      message: `${name} is a tool of the ${tool.group} group, which this server was not started with: it serves ${[...groups].join(", ")} (factory-mcp --tools lists the groups it serves; add ${tool.group} to call ${name})`,
      entity: "tool",
      id: name,
    });
  }
  const near = nearNames(name, [...served.keys()], { substrings: true });
  const meant = near.length === 0 ? "" : `; did you mean ${near.join(" or ")}?`;
  return new NotFoundError({
    message: `no tool "${name}"${meant} (tools/list lists the tools this server serves)`,
    entity: "tool",
    id: name,
  });
}
