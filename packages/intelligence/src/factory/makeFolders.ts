/**
 * Making a folder and the folders above it before a factory opens in it, in
 * a way that fails instead of hanging, for the CLI and the MCP server.
 *
 * @module
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { checkArguments, Text } from "../internal/arguments.js";

/**
 * Makes `dir` and the folders above it that are missing, one at a time:
 * Node's recursive `mkdirSync`, which opening a factory uses, never returns
 * under a folder such as `/proc` that refuses new entries with `ENOENT`. A
 * folder another process makes meanwhile is taken as made.
 *
 * @throws ValidationError when `dir` is not a string.
 * @throws the error of the first `mkdirSync` that fails, with its `code`
 *   (`EACCES`, `EROFS`, `ENOENT`, ...) for the caller to say why in words and
 *   name the factory.
 */
export function makeFolders(dir: string): void {
  checkArguments("makeFolders", { dir: [Text, dir] });
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && existsSync(path)) continue;
      throw error;
    }
  }
}
