/**
 * The source system a folder's documents are recorded under: one per folder
 * of a git repository, so that folders with the same name there never share
 * their documents; the folder's name outside any repository, so that copies
 * of one folder share theirs.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { checkArguments } from "@software-factory/core";
import { Text } from "../internal/arguments.js";

/** The longest source system the knowledge base accepts (`SourceSchema`). */
const MAX_SYSTEM = 100;

/**
 * The source system of the documents imported from a folder:
 * `<prefix>:<where>`, where `<where>` is the folder's path relative to the
 * top of the git repository holding it (`docs`, `packages/a/docs`; the
 * repository's name when the folder is its top), else, outside any
 * repository, the folder's name (`docs`). A folder at the top of a repository
 * or outside any keeps the `<prefix>:<folder name>` that importers used
 * before.
 *
 * Outside a repository the name is all that stays the same between copies of
 * a folder (a CI artifact or a Docker image unpacked in another place each
 * time), so the copies are one folder and their documents are revised in
 * place; the price is that two different folders of one name outside git
 * are one folder too: importing one retracts the other's documents missing
 * from it. Give such folders a system of their own. A system longer than the
 * knowledge base takes keeps the end of the path and a hash of all of it.
 *
 * @throws ValidationError naming `prefix` or `folder` when one is not a string.
 * @example
 * ```ts
 * folderSourceSystem("markdown", "/work/shop/packages/a/docs"); // "markdown:packages/a/docs"
 * ```
 */
export function folderSourceSystem(prefix: string, folder: string): string {
  checkArguments("folderSourceSystem", { prefix: [Text, prefix], folder: [Text, folder] });
  const root = realpathSync(folder);
  const top = repositoryTop(root);
  return bounded(prefix, top === undefined || top === root ? basename(root) || root : relative(top, root));
}

/**
 * The source system that importers of one earlier release gave a folder
 * outside any git repository: `<prefix>:<the folder's absolute real path>`
 * (a hashed tail when longer than 100 characters, as
 * {@link folderSourceSystem}). That release named a folder outside git by
 * where it was; the name came back after it, so that copies of a folder
 * unpacked in other places share their documents. The documents recorded
 * under it are surely this folder's, whatever their content, which is how
 * `importMarkdownFolder` and `factory import docs` retire them.
 *
 * @throws ValidationError naming `prefix` or `folder` when one is not a string.
 * @example
 * ```ts
 * folderPathSourceSystem("markdown", "/srv/build-1/docs"); // "markdown:/srv/build-1/docs"
 * ```
 */
export function folderPathSourceSystem(prefix: string, folder: string): string {
  checkArguments("folderPathSourceSystem", { prefix: [Text, prefix], folder: [Text, folder] });
  return bounded(prefix, realpathSync(folder));
}

/** `<prefix>:<where>` with `/` separators; past the knowledge base's 100 characters, the end of it and a hash of all of it. */
function bounded(prefix: string, where: string): string {
  const system = `${prefix}:${where.split(sep).join("/")}`;
  if (system.length <= MAX_SYSTEM) return system;
  const hash = createHash("sha256").update(system).digest("hex").slice(0, 12);
  return `${prefix}:${hash}:…${system.slice(system.length - (MAX_SYSTEM - prefix.length - hash.length - 3))}`;
}

/** The nearest folder at or above `folder` holding a `.git` entry (a repository, worktree or submodule top), if any. */
function repositoryTop(folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
