/**
 * How the server answers `tools/call`: a served tool runs with the call's
 * cancellation signal and, when the client asked for it, a progress
 * reporter; a tool of a group the server was not started with, or a name
 * that is no tool, is answered with an `E_NOT_FOUND` error result saying so,
 * where the MCP SDK answers a bare "Tool ... not found" that leaves an agent
 * guessing.
 *
 * @module
 */
import type { CallToolResult, McpServer, RegisteredTool, ServerContext } from "@modelcontextprotocol/server";
import { NotFoundError, nearNames } from "@software-factory/core";
import { errorResult, type FactoryTool, type ToolContext } from "./toolKit.js";
import { factoryTools } from "./tools.js";

/** A tool the server serves: its SDK registration and the function that answers a call of it. */
export interface ServedTool {
  /** The factory's tool. */
  readonly tool: FactoryTool;
  /** What {@link McpServer.registerTool} returned for it (its advertised output schema). */
  readonly registered: RegisteredTool;
  /** Answers a call with these arguments (not yet validated), made by the request of `ctx`. */
  readonly call: (input: unknown, ctx: ServerContext) => Promise<CallToolResult>;
}

/**
 * What a call gets from its request: the signal that aborts when the client
 * cancels it and, when the request's `_meta` carries a `progressToken`, a
 * reporter that sends `notifications/progress` with that token (none once
 * the call is cancelled).
 */
export function callContext(ctx: ServerContext): Pick<ToolContext, "signal" | "onProgress"> {
  const { signal, notify, _meta } = ctx.mcpReq;
  const progressToken = _meta?.progressToken;
  if (progressToken === undefined) return { signal };
  return {
    signal,
    onProgress: (progress) => {
      if (signal.aborted) return;
      // A report that cannot be sent (the client has gone) is dropped; the call goes on.
      notify({ method: "notifications/progress", params: { progressToken, ...progress } }).catch(
        () => undefined,
      );
    },
  };
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
  server.server.setRequestHandler("tools/call", async (request, ctx) => {
    const { name } = request.params;
    const found = served.get(name);
    if (found === undefined) return errorResult(unservedTool(name, served, groups));
    const result = await found.call(request.params.arguments, ctx);
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
 * Writes on stderr that a call was cancelled, with the client's reason, and
 * how it `ended` (stopped early, failed, or ran to its end: a tool that cannot
 * stop early does). The SDK sends no answer to a cancelled request, so this
 * line is all that tells an operator.
 */
export function logCancelled(name: string, ctx: ServerContext, ended: string): void {
  const { id, signal } = ctx.mcpReq;
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
  process.stderr.write(
    `@software-factory/mcp: tools/call ${name} (request ${JSON.stringify(id)}) was cancelled (${reason}): ${ended}; no answer sent\n`,
  );
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
