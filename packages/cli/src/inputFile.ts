/**
 * Reading the one file a command takes (`knowledge capture --file`, `import
 * jsonl|junit|issues|codeowners|backstage <file>`, `plan check|apply`, `init
 * --plan`, a JSON flag's `@file`): a regular file, a named pipe or process
 * substitution (`<(gh issue list --json ...)`, `/dev/stdin`, `/dev/fd/63`),
 * read to its end, or `-` for standard input. A device (`/dev/zero`, which
 * would be read forever) or a socket is refused before anything is read.
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { UsageError } from "./exitCodes.js";
import { requireSource } from "./knownValues.js";

/** The argument that names standard input. */
export const STDIN = "-";

/** What a file argument is read from: a regular file, or a stream (a pipe, or standard input) read once. */
export type InputKind = "file" | "stream";

/**
 * Refuses a file argument before anything is read or opened: `-` when
 * standard input is a terminal (nothing was piped in), else as
 * {@link requireSource} refuses a file, but a named pipe is taken. Returns
 * whether it is a regular file or a stream, which can be read only once.
 *
 * @throws UsageError (naming the flag) when the path is empty, or `-` is given and standard input is a terminal.
 * @throws NotFoundError (`E_NOT_FOUND`, entity `file`) naming the path (and the flag) when it is missing, a folder, a device or a socket.
 */
export function requireInput(path: string, flag?: string): InputKind {
  if (path === STDIN) {
    if (process.stdin.isTTY === true)
      throw new UsageError(
        `${flag ?? "-"}: - reads standard input, which is a terminal here; pipe the input in (... | factory ...) or give a file`,
      );
    return "stream";
  }
  if (path !== "" && statSync(resolve(path), { throwIfNoEntry: false })?.isFIFO() === true) return "stream";
  requireSource(path, "file", flag);
  return "file";
}

/** How a file argument is named in messages and records: `stdin` for `-`, else as given. */
export function inputName(path: string): string {
  return path === STDIN ? "stdin" : path;
}

/**
 * The bytes of a file argument, after {@link requireInput}: standard input
 * for `-`, else the file or pipe read to its end.
 *
 * @throws UsageError naming the flag and the input when it cannot be read.
 */
export function readInput(path: string, flag?: string): Buffer {
  requireInput(path, flag);
  try {
    return path === STDIN ? readFileSync(0) : readFileSync(path);
  } catch (error) {
    throw new UsageError(
      `${flag === undefined ? "" : `${flag}: `}cannot read ${inputName(path)}: ${(error as Error).message}`,
    );
  }
}

/**
 * Runs `use` with the path of a file holding the input, for a reader that
 * takes a path and may read it more than once (an import into a factory
 * another process creates meanwhile runs again): a regular file is passed as
 * it is; a stream is read once, checked first as {@link requireInput} checks
 * it, into a private temporary file named `stdin` for `-` or after the pipe
 * (keeping its extension), removed afterwards. An error's message names the
 * input as the user gave it (`stdin`, `/dev/fd/63`), not the temporary file.
 *
 * @throws UsageError or NotFoundError as {@link requireInput} and {@link readInput} refuse the input; whatever `use` throws.
 */
export async function withInputFile<T>(
  path: string,
  flag: string | undefined,
  use: (file: string) => Promise<T>,
): Promise<T> {
  if (requireInput(path, flag) === "file") return use(path);
  const bytes = readInput(path, flag);
  const folder = mkdtempSync(join(tmpdir(), "factory-input-"));
  try {
    const file = join(folder, path === STDIN ? "stdin" : basename(path));
    writeFileSync(file, bytes, { mode: 0o600 });
    try {
      return await use(file);
    } catch (error) {
      // The reader names the file it read; the user gave the pipe or `-`.
      if (error instanceof Error) error.message = error.message.replaceAll(file, inputName(path));
      throw error;
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
