/**
 * The MCP server of the Software Factory SDK: the factory's tools and
 * resources for coding agents, over stdio and Streamable HTTP.
 *
 * Any new export added here becomes public API. Use named exports, not wildcards.
 *
 * @packageDocumentation
 */

export {
  createFactoryMcpServer,
  type FactoryMcpServerOptions,
  SERVER_VERSION,
} from "./createFactoryMcpServer.js";
export {
  type HttpCloseOptions,
  type HttpServeOptions,
  HttpServeOptionsSchema,
  type HttpServer,
  serveHttp,
} from "./http.js";
export {
  type HttpFlags,
  type HttpSettings,
  httpHostRefusal,
  httpSettingsOf,
} from "./internal/httpFlags.js";
export { SIGNAL_DRAIN_GRACE_MS, type SignalStop, stopOnSignals } from "./internal/stopOnSignals.js";
export { registerFactoryResources } from "./resources.js";
export {
  type AutomationEnv,
  type AutomationFlags,
  importRootOf,
  instructionsRootOf,
  type ServedAutomations,
  servedAutomationsOf,
  TOOL_GROUPS,
  type ToolGroup,
  toolGroupsOf,
} from "./serveFlags.js";
export { ListenError, type ServeUntilStoppedOptions, serveUntilStopped } from "./serveUntilStopped.js";
export { type StdioServeOptions, serveStdio } from "./stdio.js";
export {
  defineTool,
  type FactoryTool,
  type ToolContext,
  type ToolHints,
  type ToolInput,
  type ToolProgress,
} from "./toolKit.js";
export { factoryTools } from "./tools.js";
