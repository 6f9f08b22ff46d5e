import { isUtf8 } from "node:buffer";
import { readFile } from "node:fs/promises";
import { NotFoundError, ValidationError } from "@software-factory/core";
import type { PlanProblem } from "./validatePlan.js";

/** The outcome of {@link safeReadSourceText}: the file's text, or the problem that it is not a text file. */
export type SourceTextResult =
  | { readonly success: true; readonly text: string }
  | { readonly success: false; readonly error: ValidationError; readonly problem: PlanProblem };

const NEWLINE = 0x0a;

/** 1-based line of a byte offset (UTF-8 never uses the newline byte inside a character). */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (
    let index = bytes.indexOf(NEWLINE);
    index !== -1 && index < offset;
    index = bytes.indexOf(NEWLINE, index + 1)
  )
    line++;
  return line;
}

/** 1-based line of the first line of bytes that is not UTF-8. */
function firstLineNotUtf8(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(NEWLINE, start);
    if (!isUtf8(bytes.subarray(start, end === -1 ? bytes.length : end)) || end === -1) return line;
    start = end + 1;
    line++;
  }
}

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

/**
 * Reads a file that a plan check or an import takes as text (factory.yaml,
 * CODEOWNERS, a Backstage catalog, pnpm-workspace.yaml), or tells why it is
 * not a UTF-8 text file: a folder (`not-a-file`), a binary file (a NUL byte)
 * or bytes that are not UTF-8 (`not-text`, with the line). The result form of
 * {@link readSourceText}.
 *
 * @throws NotFoundError (entity `file`) when there is nothing at `path`.
 * @throws Error from the file system when the file exists but cannot be read (its message names the path).
 */
export async function safeReadSourceText(path: string): Promise<SourceTextResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError({ message: `no file ${path}`, entity: "file", id: path });
    if (code === "EISDIR") return refuse(path, "not-a-file", "is a folder, not a file");
    throw cause;
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1)
    return refuse(path, "not-text", "is a binary file (it holds a NUL byte), not text", lineAt(bytes, nul));
  if (!isUtf8(bytes))
    return refuse(
      path,
      "not-text",
      "is not UTF-8 text (this line holds bytes that are not UTF-8)",
      firstLineNotUtf8(bytes),
    );
  return { success: true, text: new TextDecoder("utf-8").decode(bytes) };
}

/**
 * Reads a file that a plan check or an import takes as text, refusing a
 * folder, a binary file or one that is not UTF-8 with an error naming it.
 *
 * @throws NotFoundError (entity `file`) when there is nothing at `path`.
 * @throws ValidationError naming the file (and the line of the first bad byte) when it is a folder, binary or not UTF-8.
 * @throws Error from the file system when the file exists but cannot be read (its message names the path).
 * @example
 * ```ts
 * const parsed = parseCodeowners(await readSourceText(".github/CODEOWNERS"), ".github/CODEOWNERS");
 * ```
 */
export async function readSourceText(path: string): Promise<string> {
  const result = await safeReadSourceText(path);
  if (!result.success) throw result.error;
  return result.text;
}
