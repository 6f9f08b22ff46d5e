/**
 * Writing the files an export makes (`factory standards export`, `factory
 * skills export`) without clobbering someone's work: a file that exists with
 * other content is left alone unless the command is given `--force`.
 *
 * @module
 */
import { existsSync, readFileSync, type Stats, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { FolderError, makeFolders as makeFoldersOnce } from "@software-factory/core";

/** A file an export would write, with its text. */
export interface PlannedFile {
  readonly path: string;
  readonly text: string;
}

/** What an export did to one file (or skill folder). */
export interface ExportedFile {
  readonly path: string;
  /** `created` (it was not there), `updated` (replaced, with --force or as an earlier export), `unchanged` (same content). */
  readonly status: "created" | "updated" | "unchanged";
}

/**
 * An export would replace files (or folders) that hold something else: the
 * command writes nothing and exits 1 (`E_EXISTS`); `--force` replaces them.
 */
export class OverwriteRefusedError extends Error {
  /** Stable code for programs to match on. */
  readonly code = "E_EXISTS";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "OverwriteRefusedError";

  constructor(
    /** What the export would have replaced. */
    readonly paths: readonly string[],
    /** Why, in words, ending with what to do (`it holds other content; give --force to replace it`). */
    reason: string,
  ) {
    super(`not replacing ${paths.join(", ")}: ${reason}`);
  }
}

/**
 * An export could not write a file or folder (its folder cannot be created,
 * permission denied, a read-only file system): the message names the path
 * and says why in words.
 */
export class ExportWriteError extends Error {
  /** Stable code for programs to match on. */
  readonly code = "E_WRITE";
  /** Tag, as on the SDK's other errors. */
  readonly _tag = "ExportWriteError";

  constructor(
    /** The file or folder that could not be written. */
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${whyNotWritten(cause)}`, { cause });
  }
}

/**
 * The reason a write failed, in words, with the system's code (`permission
 * denied (EACCES)`): of a system error, or of a `FolderError` (its `systemCode`).
 */
export function whyNotWritten(error: unknown): string {
  const code =
    error instanceof FolderError ? error.systemCode : (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOENT: "it cannot be created there",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "the file system is read-only",
    EEXIST: "a file stands where a folder is needed",
    ENOTDIR: "a file stands where a folder is needed",
    EISDIR: "it is a folder",
    ENOSPC: "no space left on the device",
  };
  const reason = code === undefined ? undefined : reasons[code];
  return reason === undefined ? (error as Error).message : `${reason} (${code})`;
}

/**
 * Runs a write of `path`, turning a failure of the file system (a system error, a `FolderError`) into an
 * {@link ExportWriteError} that names it.
 *
 * @throws ExportWriteError naming `path` when `write` fails with a system error.
 */
export function writingTo<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    // A system error (it names the call that failed) or a folder not made; the SDK's other errors pass through.
    if (error instanceof FolderError || (error instanceof Error && "syscall" in error))
      throw new ExportWriteError(path, error);
    throw error;
  }
}

/**
 * What is at `path`, if anything: `undefined` when nothing is, including when
 * a file stands where a folder of the path should be (`ENOTDIR`), which the
 * write then reports by name.
 */
export function entryAt(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}

/**
 * Creates `folder` and the folders above it that are missing, one at a time
 * (core's `makeFolders`: Node's recursive `mkdirSync` never returns under a
 * folder such as `/proc` that refuses new entries with `ENOENT`). Nothing is
 * done when something is at `folder`.
 *
 * @throws ExportWriteError naming the folder that could not be created.
 */
export function makeFolders(folder: string): void {
  // A file there is left for the write into it to name (`cannot write plain/AGENTS.md: ... (ENOTDIR)`).
  if (existsSync(folder)) return;
  try {
    makeFoldersOnce(folder);
  } catch (error) {
    if (error instanceof FolderError) throw new ExportWriteError(error.folder, error.cause);
    throw error;
  }
}

/**
 * Writes the files of an export, all or none: a file already there with the
 * same text is left as it is (`unchanged`); one with other text is replaced
 * only with `force`, else nothing is written. Parent folders are created.
 *
 * @throws OverwriteRefusedError naming every path that is a folder, or (without `force`) holds other text.
 * @throws ExportWriteError naming the file that could not be written.
 */
export function writeExportFiles(files: readonly PlannedFile[], force: boolean): ExportedFile[] {
  const folders = files.filter((file) => entryAt(file.path)?.isDirectory());
  if (folders.length > 0)
    throw new OverwriteRefusedError(
      folders.map((file) => file.path),
      `${folders.length === 1 ? "it is a folder" : "they are folders"}; give the path of a file, or another folder`,
    );
  const statuses = files.map((file): ExportedFile => {
    const existing = entryAt(file.path);
    if (existing === undefined) return { path: file.path, status: "created" };
    return {
      path: file.path,
      status: readFileSync(file.path, "utf8") === file.text ? "unchanged" : "updated",
    };
  });
  const changed = statuses.filter((file) => file.status === "updated").map((file) => file.path);
  if (changed.length > 0 && !force)
    throw new OverwriteRefusedError(
      changed,
      changed.length === 1
        ? "it holds other content; give --force to replace it"
        : "they hold other content; give --force to replace them",
    );
  files.forEach((file, index) => {
    if (statuses[index]?.status === "unchanged") return;
    writingTo(file.path, () => {
      makeFolders(dirname(file.path));
      writeFileSync(file.path, file.text);
    });
  });
  return statuses;
}
