/**
 * The folder `factory-mcp --init` serves a new factory from: checked and made
 * before the factory opens, so what is wrong with it is told by name.
 *
 * @module
 */
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FolderError } from "@software-factory/core";
import { makeFolders } from "@software-factory/intelligence";

/**
 * Why no factory folder can be at `dir`, or `undefined`: a file is there, or
 * stands where one of its parent folders should be.
 */
export function notAFolder(dir: string): string | undefined {
  try {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat === undefined || stat.isDirectory()) return undefined;
    return `--dir ${dir} is a file, not a factory folder (the folder that holds factory.db; \`factory init\` makes one)`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOTDIR") throw error;
    return `--dir ${dir}: ${fileAbove(resolve(dir))} is a file, so no folder can be there`;
  }
}

/** The nearest parent of `path` that is not a folder (the one `ENOTDIR` is about). */
function fileAbove(path: string): string {
  for (let at = dirname(path); dirname(at) !== at; at = dirname(at)) {
    try {
      if (!statSync(at).isDirectory()) return at;
    } catch {
      // Below the file, or not there: go up.
    }
  }
  return dirname(path);
}

/**
 * Makes `dir` and the folders above it that are missing, one at a time (see
 * `makeFolders`). Returns why it cannot be made (`permission denied
 * (EACCES)`), or `undefined` once it is there.
 */
export function makeFactoryFolder(dir: string): string | undefined {
  try {
    makeFolders(dir);
    return undefined;
  } catch (error) {
    const code = error instanceof FolderError ? error.systemCode : (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
      ENOENT: "it cannot be created there",
      EACCES: "permission denied",
      EPERM: "permission denied",
      EROFS: "the file system is read-only",
      ENOSPC: "no space left on the device",
    };
    const reason = code === undefined ? undefined : reasons[code];
    return reason === undefined ? (error as Error).message : `${reason} (${code})`;
  }
}
