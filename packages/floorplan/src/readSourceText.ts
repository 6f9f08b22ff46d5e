import { readFile } from "node:fs/promises";
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

/**
 * Reads a file that a plan check or an import takes as text (factory.yaml,
 * CODEOWNERS, a Backstage catalog, pnpm-workspace.yaml), or tells why it is
 * not a UTF-8 text file: a folder (`not-a-file`), a binary file (a NUL byte)
 * or bytes that are not UTF-8 (`not-text`, with the line). The result form of
 * {@link readSourceText}.
 *
 * @throws NotFoundError (entity `file`) when there is nothing at `path`.
 * @throws ValidationError naming `path` when it is not a string.
 * @throws Error from the file system when the file exists but cannot be read (its message names the path).
 */
export async function safeReadSourceText(path: string): Promise<SourceTextResult> {
  checkArguments("safeReadSourceText", { path: [Text, path] });
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError({ message: `no file ${path}`, entity: "file", id: path });
    if (code === "EISDIR") return refuse(path, "not-a-file", "is a folder, not a file");
    throw cause;
  }
  const read = decodeText(bytes);
  if ("notText" in read) return refuse(path, "not-text", read.notText.message, read.notText.line);
  return { success: true, text: read.text };
}

/**
 * Reads a file that a plan check or an import takes as text, refusing a
 * folder, a binary file or one that is not UTF-8 with an error naming it.
 *
 * @throws NotFoundError (entity `file`) when there is nothing at `path`.
 * @throws ValidationError naming the file (and the line of the first bad byte) when it is a folder, binary or not UTF-8, or naming `path` when it is not a string.
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
