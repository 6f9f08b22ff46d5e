/**
 * Writing the files an export makes (`factory standards export`, `factory
 * skills export`) without clobbering someone's work: a file that exists with
 * other content is left alone unless the command is given `--force`.
 *
 * @module
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

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
 * Writes the files of an export, all or none: a file already there with the
 * same text is left as it is (`unchanged`); one with other text is replaced
 * only with `force`, else nothing is written. Parent folders are created.
 *
 * @throws OverwriteRefusedError naming every path that is a folder, or (without `force`) holds other text.
 */
export function writeExportFiles(files: readonly PlannedFile[], force: boolean): ExportedFile[] {
  const folders = files.filter((file) => statSync(file.path, { throwIfNoEntry: false })?.isDirectory());
  if (folders.length > 0)
    throw new OverwriteRefusedError(
      folders.map((file) => file.path),
      `${folders.length === 1 ? "it is a folder" : "they are folders"}; give the path of a file, or another folder`,
    );
  const statuses = files.map((file): ExportedFile => {
    const existing = statSync(file.path, { throwIfNoEntry: false });
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
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.text);
  });
  return statuses;
}
