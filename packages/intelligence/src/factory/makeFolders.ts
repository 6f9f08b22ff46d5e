/**
 * Making a folder and the folders above it in a way that fails instead of
 * hanging: core's `makeFolders`, offered here too for the CLI and the MCP
 * server, which imported it from this package first.
 *
 * @module
 */
export { makeFolders } from "@software-factory/core";
