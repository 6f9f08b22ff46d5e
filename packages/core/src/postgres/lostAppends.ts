import { StoreError } from "../errors.js";
import { describeError, isQueryTimeout } from "./connectionErrors.js";

/**
 * An append whose connection broke, or went silent, while the server was not
 * at work on it: the statement or its answer was lost on the way, which is
 * not a slow statement. With `pid`, the session that ran it is yet to be
 * settled (it may have committed the batch before the connection broke);
 * without, it was settled: the session had ended and nothing of the batch
 * was in the log. It keeps the driver's message and code, so it is retried
 * as the driver's error is.
 */
export class LostAppendError extends Error {
  /** The driver's error code (`ECONNRESET`, `57P01`), if any, as `isConnectionError` reads it. */
  readonly code: unknown;

  constructor(
    cause: Error,
    /** The server's process id of the session that ran the append, while whether it landed is not known. */
    readonly pid?: number,
  ) {
    super(cause.message, { cause });
    this.name = "LostAppendError";
    this.code = (cause as { readonly code?: unknown }).code;
  }
}

/** How a connection was lost: it went silent (the driver's `query_timeout` ran out), or the driver's error. */
function lostHow(cause: unknown): string {
  return isQueryTimeout(cause)
    ? "it went silent: no answer came in time, the driver's Query read timeout"
    : describeError(cause);
}

/**
 * The {@link StoreError} of an append whose last attempt lost its connection
 * while the server was not at work on it, and which did not land: says that
 * the connection, not the server or the append's size, failed, that nothing
 * was written, and what may close connections.
 */
export function lostAppendStoreError(error: LostAppendError, target: string, doing: string): StoreError {
  return new StoreError({
    message: `the connection to PostgreSQL at ${target} was lost while ${doing} (${lostHow(error.cause)}), though the server answers on a new one: it was not running the append and nothing was written, so appending again is safe; a connection that breaks or goes silent like this is often closed by something between this process and the server (a proxy, NAT, firewall or pooler), or its session was ended on the server (retry.attempts, 6 by default, sets how many connections a call tries)`,
    cause: error,
  });
}

/**
 * The {@link StoreError} of an append whose last attempt lost its connection
 * after the statement was sent, when the server could not be asked whether
 * it landed: the call's error (`failed`), and that the append may have
 * landed, with what to do.
 */
export function unsettledAppendStoreError(failed: Error, error: LostAppendError): StoreError {
  return new StoreError({
    message: `${failed.message}; the connection broke after the append was sent, so it may have landed: read the log before appending again (an idempotencyKey makes appending again safe)`,
    cause: error,
  });
}
