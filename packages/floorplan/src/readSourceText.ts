import { constants, type Stats } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { checkArguments, decodeText, NotFoundError, ValidationError } from "@software-factory/core";
import { Text } from "./internal/arguments.js";
import type { PlanProblem } from "./validatePlan.js";

/** The outcome of {@link safeReadSourceText}: the file's text, or the problem that it is not a text file. */
export type SourceTextResult =
  | {
      /** The file was read as text. */
      readonly success: true;
      /** The file's text, decoded. */
      readonly text: string;
    }
  | {
      /** The file is not a text file. */
      readonly success: false;
      /** The problem as an error to throw. */
      readonly error: ValidationError;
      /** The problem with its code, file and, when known, line. */
      readonly problem: PlanProblem;
    };

function refuse(path: string, code: string, message: string, line?: number): SourceTextResult {
  const problem: PlanProblem = {
    code,
    severity: "error",
    path: "",
    message,
    file: path,
    ...(line === undefined ? {} : { line }),
  };
  return {
    success: false,
    problem,
    error: new ValidationError({
      message: `${path}${line === undefined ? "" : `:${line}`}: ${message}`,
      issues: [problem],
    }),
  };
}

/** What a file system entry that is not a file is, in words. */
function entryKind(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}

/** The refusal of what is at `path` when it is no file. */
function refuseKind(path: string, stats: Stats): SourceTextResult {
  if (stats.isDirectory()) return refuse(path, "not-a-file", "is a folder, not a file");
  return refuse(path, "not-a-file", `is ${entryKind(stats)}, not a file; only files are read`);
}

/**
 * The bytes of `path`, or the refusal of what is there when it is neither a
 * file nor a named pipe, told before anything is opened. A file is opened
 * without blocking and read only if what was opened is still a file; a
 * named pipe is read to its end (a plan given by process substitution, `plan
 * check <(git show main:factory.yaml)`), by an open that waits for its writer.
 */
async function readBytes(path: string): Promise<Buffer | SourceTextResult> {
  let found: Stats;
  try {
    found = await stat(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT")
      throw new NotFoundError({ message: `no file ${path}`, entity: "file", id: path });
    throw cause;
  }
  if (found.isFIFO()) return readFile(path);
  if (!found.isFile()) return refuseKind(path, found);
  const file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const opened = await file.stat();
    return opened.isFile() ? await file.readFile() : refuseKind(path, opened);
  } finally {
    await file.close();
  }
}

/**
 * Reads a file that a plan check or an import takes as text (factory.yaml,
 * CODEOWNERS, a Backstage catalog, pnpm-workspace.yaml), or tells why it is
 * not a UTF-8 text file: a folder, a device (`/dev/zero`, which would be read
 * forever) or a socket (`not-a-file`, told before anything is read), a binary
 * file (a NUL byte) or bytes that are not UTF-8 (`not-text`, with the line).
 * A named pipe is read to its end. The result form of {@link readSourceText}.
 *
 * @throws NotFoundError (entity `file`) when there is nothing at `path`.
 * @throws ValidationError naming `path` when it is not a string.
 * @throws Error from the file system when the file exists but cannot be read (its message names the path).
 */
export async function safeReadSourceText(path: string): Promise<SourceTextResult> {
  checkArguments("safeReadSourceText", { path: [Text, path] });
  const bytes = await readBytes(path);
  if (!Buffer.isBuffer(bytes)) return bytes;
  const read = decodeText(bytes);
  if ("notText" in read) return refuse(path, "not-text", read.notText.message, read.notText.line);
  return { success: true, text: read.text };
}

/**
 * Reads a file that a plan check or an import takes as text, refusing a
 * folder, a binary file or one that is not UTF-8 with an error naming it.
 *
 * @throws NotFoundError (entity `file`) when there is nothing at `path`.
 * @throws ValidationError naming the file (and the line of the first bad byte) when it is a folder, a device, a socket, binary or not UTF-8, or naming `path` when it is not a string.
 * @throws Error from the file system when the file exists but cannot be read (its message names the path).
 * @example
 * ```ts
 * const parsed = parseCodeowners(await readSourceText(".github/CODEOWNERS"), ".github/CODEOWNERS");
 * ```
 */
export async function readSourceText(path: string): Promise<string> {
  checkArguments("readSourceText", { path: [Text, path] });
  const result = await safeReadSourceText(path);
  if (!result.success) throw result.error;
  return result.text;
}
