/**
 * The problem of a file or folder of a repository the scan may not read: it
 * is skipped, named, and the rest of the repository is read.
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ScanProblem } from "../../scanCodebase.js";
import type { RepoFiles } from "../files.js";

/**
 * A {@link ScanProblem} for `path` (repository-relative; `.` for the root),
 * which the file system refused with `error` (`EACCES: permission denied`).
 */
export function unreadableProblem(
  path: string,
  error: unknown,
  what: "file" | "folder" = "file",
): ScanProblem {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === "EACCES" || code === "EPERM" ? `${code}: permission denied` : (error as Error).message;
  return { file: path === "" ? "." : path, message: `skipped: the ${what} cannot be read (${reason})` };
}

/**
 * Runs a read of the repository's file `path`; when the file system refuses
 * it (other than for a file that is gone), adds the problem to `problems` (when
 * given) and gives undefined, so the scan goes on.
 */
export async function readOrSkip<T>(
  path: string,
  problems: ScanProblem[] | undefined,
  read: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === undefined) throw error;
    if (code !== "ENOENT") problems?.push(unreadableProblem(path, error));
    return undefined;
  }
}

/**
 * A repository file's text, or undefined when it is gone, not a regular
 * file or over `maxBytes`; a file the file system refuses to stat or read
 * (`EACCES`) is a problem of `repo` too.
 */
export async function readSmallFile(
  repo: RepoFiles,
  file: string,
  maxBytes: number,
): Promise<string | undefined> {
  const path = join(repo.root, file);
  const info = await readOrSkip(file, repo.problems, () => stat(path));
  if (info === undefined || !info.isFile() || info.size > maxBytes) return undefined;
  return readOrSkip(file, repo.problems, () => readFile(path, "utf8"));
}
