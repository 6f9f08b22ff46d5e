/**
 * One clear line for an error thrown by the SDK or the CLI, with its stable
 * code and without a stack trace.
 *
 * @module
 */

/** The code of an error that carries none of the SDK's stable codes (a bug, or a plain `Error` from a handler). */
export const UNCODED_ERROR = "E_FAILED";

/**
 * The stable code of an error: its `code` when that is one of the SDK's
 * (`E_NOT_FOUND`, `E_USAGE`, ...), else {@link UNCODED_ERROR}.
 */
export function errorCode(error: unknown): string {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^E_[A-Z0-9_]+$/.test(code) ? code : UNCODED_ERROR;
}

/**
 * An error as the CLI prints it: `<code>: <message>`, always with a code (see
 * {@link errorCode}). Multi-line messages, such as file problems, keep their lines.
 */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${errorCode(error)}: ${message}`;
}

/** Characters of a path a message shows before cutting it. */
const SHOWN_PATH_CHARS = 80;

/**
 * The usage error a path too long for the file system is told as
 * (`ENAMETOOLONG`, from a `--dir`, `--store`, `--file` or file argument of
 * 100,000 characters): `a path is too long for the file system
 * (ENAMETOOLONG): "/repo/xxx..."... (100009 characters)`, its start quoted and
 * its length, not the whole path that Node's message holds. Undefined for
 * any other error.
 */
export function pathTooLongMessage(error: unknown): string | undefined {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (code !== "ENAMETOOLONG" || typeof path !== "string") return undefined;
  const shown =
    path.length <= SHOWN_PATH_CHARS
      ? JSON.stringify(path)
      : `${JSON.stringify(path.slice(0, SHOWN_PATH_CHARS))}... (${path.length} characters)`;
  return `a path is too long for the file system (ENAMETOOLONG): ${shown}`;
}
