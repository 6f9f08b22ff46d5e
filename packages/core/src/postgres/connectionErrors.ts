import { StoreError } from "../errors.js";
import type { ResolvedPostgresOptions } from "./options.js";

/** SQLSTATE classes and codes after which the same statement may succeed on a new connection. */
const RETRYABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown: pg_terminate_backend or a server shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is starting up
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "53300", // too_many_connections
]);

/** Socket errors of node that mean the server could not be reached or the connection broke. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** What `pg.Client#connect` throws when `connectionTimeoutMillis` runs out. */
const CLIENT_CONNECT_TIMEOUT = "timeout expired";
/** What `pg` throws when a statement's `query_timeout` runs out. */
const QUERY_TIMEOUT = "Query read timeout";

/** Messages `pg` uses for a connection that ended, never came up or stopped answering (`query_timeout`). */
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|terminating connection|Query read timeout/i;

/** Tells whether a client gave up connecting because the server did not answer in time. */
export function isConnectTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === CLIENT_CONNECT_TIMEOUT;
}

/** What a pool's new connection fails with when `connectionTimeoutMillis` runs out before the server answers. */
const POOL_CONNECT_TIMEOUT = "Connection terminated due to connection timeout";

/** Tells whether a pool gave up on a new connection because the server did not answer in time. */
export function isPoolConnectTimeout(error: unknown): boolean {
  return error instanceof Error && (error.message === POOL_CONNECT_TIMEOUT || isConnectTimeout(error));
}

/** Tells whether a statement failed because the server did not answer it in time. */
export function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === QUERY_TIMEOUT;
}

/**
 * A statement whose answer did not come in time (the driver's `query_timeout`)
 * from a server that meanwhile answered another connection and was still
 * running the statement's session, or had ended it with nothing written
 * (`ended`): the server is reachable, and the statement took longer than it
 * was given. It keeps the driver's message, so it is retried as the driver's
 * timeout is, and the call's error tells it apart from a server that cannot
 * be reached (see {@link slowCallStoreError}).
 */
export class SlowStatementError extends Error {
  constructor(
    cause: Error,
    /** Whether the server ended the statement's session and nothing of it was written. */
    readonly ended: boolean,
    /** The process ids of the sessions whose locks the statement was waiting for, if any (`pg_blocking_pids`). */
    readonly blockedBy: readonly number[] = [],
  ) {
    super(cause.message, { cause });
    this.name = "SlowStatementError";
  }
}

/**
 * What bounded a call's wait for an answer, for its message: one statement
 * waits at most queryTimeoutMs, so when that is the shorter of the two, a
 * longer callTimeoutMs alone would not have let the call wait longer.
 */
export function waitBound(options: ResolvedPostgresOptions): string {
  return options.queryTimeoutMs < options.callTimeoutMs
    ? `this call's queryTimeoutMs of ${options.queryTimeoutMs} ms for one statement (query_timeout_ms in the URL; its callTimeoutMs, call_timeout_ms, is ${options.callTimeoutMs} ms)`
    : `this call's callTimeoutMs of ${options.callTimeoutMs} ms (call_timeout_ms in the URL)`;
}

/**
 * The {@link StoreError} of a call whose statement the server was still
 * working on when the call's time ran out (a {@link SlowStatementError}):
 * says that the server answers, what was being done, which setting bounded
 * the wait and its value, and whether anything may have been written.
 */
export function slowCallStoreError(
  error: SlowStatementError,
  options: ResolvedPostgresOptions,
  doing: string,
): StoreError {
  const outcome = error.ended
    ? "the server ended the statement, and nothing was written"
    : "the server was told to end the statement and was still busy with it, so it may yet land: read the log before doing it again (an idempotencyKey makes appending again safe)";
  return new StoreError({
    message: `PostgreSQL at ${options.target} answers, but ${doing} took longer than ${waitBound(options)}: ${outcome}; raise that setting for calls this large, or make each call smaller`,
    cause: error,
  });
}

/**
 * The {@link StoreError} of a read whose statement the server was still
 * working on when the call's time ran out (a {@link SlowStatementError}):
 * says that the server answers, what was being read, which setting bounded
 * the wait and its value, the sessions holding a lock the read waited for,
 * if any, and `advice` (what to do otherwise) instead of asking whether the
 * server runs.
 */
export function slowReadStoreError(
  error: SlowStatementError,
  options: ResolvedPostgresOptions,
  doing: string,
  advice: string,
): StoreError {
  const outcome = error.ended
    ? "the server ended the statement"
    : "the server was told to end the statement and was still busy with it";
  const pids = error.blockedBy;
  const one = pids.length === 1;
  const blocked =
    pids.length === 0
      ? ""
      : `; it was waiting for a lock held by the session${one ? "" : "s"} ${pids.join(", ")} (a schema change, VACUUM FULL or LOCK TABLE of the events table holds one; pg_stat_activity shows what ${one ? "it runs" : "they run"}): wait for ${one ? "it" : "them"} to finish, or end ${one ? "it" : "them"} (${one ? `SELECT pg_terminate_backend(${pids[0]})` : `SELECT pg_terminate_backend(pid) FROM unnest(ARRAY[${pids.join(", ")}]) AS pid`}), or`;
  return new StoreError({
    message: `PostgreSQL at ${options.target} answers, but ${doing} took longer than ${waitBound(options)}: ${outcome}${blocked}${blocked === "" ? ";" : ""} ${advice}`,
    cause: error,
  });
}

/** SQLSTATE `lock_not_available`: the server gave up waiting for a lock (`lock_timeout`) and rolled the statement back. */
const LOCK_NOT_AVAILABLE = "55P03";

/** Tells whether the server cancelled a statement that waited for a lock longer than its `lock_timeout`. */
export function isLockTimeout(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === LOCK_NOT_AVAILABLE
  );
}

/** Tells whether an error means the connection was lost or refused, so the work may be retried. */
export function isConnectionError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (code.startsWith("08") || RETRYABLE_SQLSTATES.has(code) || SOCKET_CODES.has(code)) return true;
  }
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

/** Socket errors of node that mean the server was not reached at all: refused, or no route or address for it. */
const UNREACHED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** Tells whether a connection failed because the server was not reached at all (refused, no route, no address). */
function isUnreached(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.length > 0 && error.errors.every(isUnreached);
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" && UNREACHED_CODES.has(code);
}

/**
 * Tells whether a connection error is one after which connecting again may
 * well succeed at once: the server, or the network, ended a connection (a
 * terminated backend, a failover, a reset), as opposed to a server not
 * reached at all or one that did not answer in time. Opening a store (and
 * looking for or creating a factory) retries these, so that one ended
 * connection does not fail a command, and fails at once on the others.
 */
export function isEndedConnection(error: unknown): boolean {
  return (
    isConnectionError(error) &&
    !isUnreached(error) &&
    !isQueryTimeout(error) &&
    !isPoolConnectTimeout(error) &&
    !isPoolWaitTimeout(error)
  );
}

/** What the server's reason for ending or refusing a connection (its SQLSTATE) says of it, and what to do, for a message. */
const SERVER_ENDINGS: Readonly<Record<string, string>> = {
  "57P01":
    "the server answers, but ended the session (a failover or restart, pg_terminate_backend, idle_session_timeout or a connection pooler does that): try again",
  "57P02": "the server answers, but ended the session because another of its processes crashed: try again",
  "57P03": "the server answers, but is starting up or shutting down: try again once it is up",
  "53300":
    "the server answers, but has no connection slot left (max_connections): try again once other sessions end, or lower pool_max",
};

/** The SQLSTATE the server gave for ending or refusing the connection, when it gave one {@link SERVER_ENDINGS} knows. */
function serverEnding(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" && code in SERVER_ENDINGS ? code : undefined;
}

/**
 * Wraps a driver error in a {@link StoreError} that names the server and what
 * was being done. A connection the server itself ended or refused (it said
 * why: a terminated session, a server starting up, no connection slot left)
 * says so and why; another lost or refused connection asks whether the server
 * runs and can be reached.
 */
export function storeErrorFrom(error: unknown, target: string, doing: string): StoreError {
  const detail = describeError(error);
  const ending = serverEnding(error);
  const message =
    ending !== undefined
      ? `PostgreSQL at ${target} ended the connection while ${doing}: ${detail} (SQLSTATE ${ending}); ${SERVER_ENDINGS[ending]}`
      : isConnectionError(error)
        ? `cannot reach PostgreSQL at ${target} while ${doing}: ${detail}; is the server running and reachable?`
        : `PostgreSQL at ${target} failed while ${doing}: ${detail}`;
  return new StoreError({ message, cause: error });
}

/**
 * The {@link StoreError} of a call that ran out of its `callTimeoutMs`
 * while the server did not answer: names the server, what was being done,
 * the wait, the attempts and the last failure. When the last failure is the
 * server ending the connection, it says that instead (see {@link storeErrorFrom}).
 */
export function deadlineStoreError(
  error: unknown,
  target: string,
  doing: string,
  attempts: number,
  timeoutMs: number,
): StoreError {
  // The server answered, by ending the connection: that is what to say, not that no answer came.
  if (serverEnding(error) !== undefined)
    return storeErrorFrom(error, target, attempts === 1 ? doing : `${doing} (${attempts} attempts)`);
  const detail = describeError(error);
  const tries = attempts === 1 ? `1 attempt: ${detail}` : `${attempts} attempts, the last: ${detail}`;
  return new StoreError({
    message: `cannot reach PostgreSQL at ${target} while ${doing}: no answer within ${timeoutMs} ms (${tries}); is the server running and reachable? (callTimeoutMs, or call_timeout_ms in the URL, sets this wait)`,
    cause: error,
  });
}

/** What a pool throws when no connection is had in time, `CallDeadline.connect` included. */
const POOL_WAIT_TIMEOUT = "timeout exceeded when trying to connect";

/** Tells whether a call got no connection of its pool in time (none came free, or a new one did not connect). */
export function isPoolWaitTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === POOL_WAIT_TIMEOUT;
}

/**
 * The {@link StoreError} of a call that got no connection of the pool in time
 * while all `poolMax` of them were open and lent to other calls of the
 * process: says so, and what to do, instead of asking whether the server runs.
 */
export function poolBusyStoreError(
  error: unknown,
  target: string,
  doing: string,
  poolMax: number,
): StoreError {
  return new StoreError({
    message: `PostgreSQL at ${target} failed while ${doing}: no connection of this process's pool came free in time (connect_timeout, callTimeoutMs): all ${poolMax} of them (pool.max, pool_max in the URL) were in use by other calls of this process; raise pool_max, or look for calls that hold one long (a large read, a statement waiting for a lock, a server that stopped answering them)`,
    cause: error,
  });
}

/**
 * The {@link StoreError} of a server that took the connection but did not
 * answer within `waitMs`: names the server, what was being done and the URL
 * parameters that set the wait.
 */
export function noAnswerStoreError(
  error: unknown,
  target: string,
  doing: string,
  waitMs: number,
): StoreError {
  return new StoreError({
    message: `PostgreSQL at ${target} did not answer within ${waitMs} ms while ${doing}: is the server running, reachable and not overloaded? (call_timeout_ms in the URL, or callTimeoutMs, bounds the whole wait; connect_timeout and query_timeout_ms its parts)`,
    cause: error,
  });
}

/** The message of an error, or of every error inside an `AggregateError`. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describeError).join("; ");
  }
  if (error instanceof Error) return error.message === "" ? error.name : error.message;
  return String(error);
}
