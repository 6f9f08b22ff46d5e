/**
 * The text of a failure, for messages and records: whatever a handler, a
 * check or a file read failed with.
 *
 * @module
 */

/** The text of whatever a handler failed with: an Error's message, a tagged failure's `message`, else the value as text. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === "string") return message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
