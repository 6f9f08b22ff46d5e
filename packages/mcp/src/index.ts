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
export { type HttpServeOptions, HttpServeOptionsSchema, type HttpServer, serveHttp } from "./http.js";
export { registerFactoryResources } from "./resources.js";
export { serveStdio } from "./stdio.js";
export { defineTool, type FactoryTool, type ToolHints } from "./toolKit.js";
export { factoryTools } from "./tools.js";
