/**
 * Making a folder and the folders above it in a way that fails instead of
 * hanging, for every package that writes under a folder it may have to make
 * (a factory's folder, its caches, an export's target).
 *
 * @module
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { checkArguments } from "./checkArguments.js";
import { FolderError } from "./errors.js";

/** What a system error's code means when making a folder, in words. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "the folder above it is gone or takes no new entries",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  EEXIST: "a file stands where a folder is needed",
  ENOTDIR: "a file stands where a folder is needed",
  ENOSPC: "no space left on the device",
};

/** A {@link FolderError} for `folder`, asked for as part of `path`, that `mkdir` refused with `cause`. */
function folderError(path: string, folder: string, cause: unknown): FolderError {
  const systemCode = (cause as NodeJS.ErrnoException | undefined)?.code;
  const blocker = systemCode === "ENOTDIR" ? fileOnTheWay(folder) : undefined;
  const reason =
    blocker !== undefined
      ? `the file ${blocker} stands where a folder is needed`
      : systemCode === undefined
        ? undefined
        : REASONS[systemCode];
  const why = reason === undefined ? (cause as Error).message : `${reason} (${systemCode})`;
  const message = `cannot create the folder ${folder}${folder === path ? "" : ` (for ${path})`}: ${why}`;
  return new FolderError({
    message,
    path,
    folder,
    cause,
    ...(systemCode === undefined ? {} : { systemCode }),
  });
}

/**
 * Makes `dir` and the folders above it that are missing, one at a time:
 * Node's recursive `mkdirSync` (and `mkdir`) never returns under a folder
 * such as `/proc` that refuses new entries with `ENOENT`. A folder another
 * process makes meanwhile is taken as made; a file where a folder should be
 * is refused.
 *
 * @throws ValidationError when `dir` is not a string.
 * @throws FolderError naming the folder that could not be made and why (the file in the way, when a
 *   file stands where a folder above it should be).
 * @example
 * ```ts
 * makeFolders(".factory/cache");
 * makeFolders("/proc/x/factory"); // FolderError: cannot create the folder /proc/x (for /proc/x/factory): ...
 * ```
 */
export function makeFolders(dir: string): void {
  checkArguments("makeFolders", { dir: [z.string(), dir] });
  const target = resolve(dir);
  const missing: string[] = [];
  for (let at = target; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  // Made again when there, so that a file in its place is refused.
  if (missing.length === 0) missing.push(target);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if (!isFolder(folder)) throw folderError(target, folder, error);
    }
  }
}

/** The file that stands in a folder's way: the nearest of the folders above `folder` that is there but no folder. */
function fileOnTheWay(folder: string): string | undefined {
  for (let at = dirname(folder); dirname(at) !== at; at = dirname(at)) {
    if (existsSync(at)) return isFolder(at) ? undefined : at;
  }
  return undefined;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
