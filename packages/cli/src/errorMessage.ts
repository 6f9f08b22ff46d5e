/**
 * One clear line for an error thrown by the SDK, without a stack trace.
 *
 * @module
 */

/** The message of an error as one line (multi-line messages, such as file problems, keep their lines). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const prefix = typeof code === "string" && code.startsWith("E_") ? `${code}: ` : "";
    return `${prefix}${error.message}`;
  }
  return String(error);
}
