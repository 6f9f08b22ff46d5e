/**
 * The folder of a factory that a command creates (`init`, `plan apply`,
 * `import ...`, `mcp --init`), made before the factory is opened in it, and
 * the claim of `factory init` on a new factory's SQLite file.
 *
 * @module
 */
import { closeSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { makeFolders } from "@software-factory/intelligence";
import { whyNotWritten } from "./exportFiles.js";

/**
 * The folder of a factory a command was to create cannot be made (permission
 * denied, a read-only file system, a file in the way): `E_WRITE`, naming the
 * factory's folder and saying why in words.
 */
export class FactoryFolderError extends Error {
  /** Stable code for programs to match on. */
  readonly code = "E_WRITE";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "FactoryFolderError";

  constructor(
    /** The factory's folder. */
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot create the factory at ${path}: ${whyNotWritten(cause)}`, { cause });
  }
}

/**
 * Makes `folder` and the folders above it that are missing, one at a time
 * (see `makeFolders`), so that a failure names the factory rather than the
 * path of its syscall (a staging folder, a parent). `factory` is the
 * factory's folder the error names (default `folder` itself).
 *
 * @throws FactoryFolderError naming `factory` when a folder cannot be made.
 */
export function makeFactoryFolder(folder: string, factory = folder): void {
  try {
    makeFolders(folder);
  } catch (error) {
    throw new FactoryFolderError(resolve(factory), error);
  }
}

/**
 * Makes the SQLite file of a new factory, empty, and the folders above it:
 * true when this call made the file, false when it was there. The file is
 * made with the exclusive flag, so of several processes creating the same
 * factory at once (`factory init` run in parallel on a new folder) exactly
 * one is told it made it. An empty file is an empty database to SQLite: the
 * first open of the factory gives it its tables. `factory` is the factory the
 * error names (its folder, or its `--store` file).
 *
 * @throws FactoryFolderError naming `factory` when the folder or the file cannot be made.
 */
export function claimFactoryFile(file: string, factory: string): boolean {
  makeFactoryFolder(dirname(file), factory);
  try {
    closeSync(openSync(file, "wx"));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new FactoryFolderError(resolve(factory), error);
  }
}
