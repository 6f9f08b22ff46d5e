import { createHash } from "node:crypto";
import type pg from "pg";
import { StoreError } from "../errors.js";
import { CallDeadline } from "./CallDeadline.js";
import { isLockTimeout, waitBound } from "./connectionErrors.js";
import { APPEND_LOCK_CLASS } from "./migrations.js";
import type { ResolvedPostgresOptions } from "./options.js";

/** The longest wait for the server to name the session holding the append lock, after a call timed out behind it (ms). */
const HOLDER_LOOKUP_MS = 1_000;

/**
 * The append lock of one schema: the transaction-scoped advisory lock
 * (`pg_advisory_xact_lock(APPEND_LOCK_CLASS, key)`) that every append and
 * write turn on the schema takes, and what a call that timed out behind it
 * is told.
 */
export class AppendLock {
  /** The lock's key: 32 bits of the schema name's hash. */
  readonly key: number;

  constructor(
    readonly pool: pg.Pool,
    readonly options: ResolvedPostgresOptions,
    readonly schema: string,
  ) {
    this.key = createHash("sha256").update(schema).digest().readInt32BE(0);
  }

  /**
   * The error of a call that timed out while another session held the lock
   * (a write turn of another process, or someone's transaction): says how
   * long the call waited and which session holds the lock. Undefined when the
   * call failed otherwise than `timedOut` tells, or, when the client stopped
   * waiting for an answer rather than the server for the lock, the server
   * names no holder within a second.
   */
  async heldError(
    error: unknown,
    doing: string,
    waitedMs: number,
    timedOut: (cause: unknown) => boolean,
  ): Promise<StoreError | undefined> {
    const cause = error instanceof StoreError ? error.cause : error;
    if (!timedOut(cause)) return undefined;
    const lockTimedOut = isLockTimeout(cause);
    const options = this.options;
    const { rows } = await new CallDeadline(Math.min(HOLDER_LOOKUP_MS, options.queryTimeoutMs))
      .query<{ pid: number; application_name: string | null }>(
        this.pool,
        options.queryTimeoutMs,
        `SELECT l.pid, a.application_name
           FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
            AND l.classid = $1::bigint AND l.objid = $2::bigint
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        // pg_locks shows the two int4 keys as unsigned oids.
        [APPEND_LOCK_CLASS, this.key >>> 0],
      )
      .catch(() => ({ rows: [] }));
    const holder = rows[0];
    if (holder === undefined && !lockTimedOut) return undefined;
    const named = holder?.application_name ? `, application_name "${holder.application_name}"` : "";
    const who = holder === undefined ? "" : ` (pid ${holder.pid}${named})`;
    const advice =
      holder === undefined
        ? ""
        : `; if that session is stuck otherwise, end it (SELECT pg_terminate_backend(${holder.pid}))`;
    return new StoreError({
      message: `PostgreSQL at ${options.target} failed while ${doing}: waited ${waitedMs} ms for the append lock of schema "${this.schema}", held by another writer${who}, past ${waitBound(options)}; a write turn of another process holds it for at most half of that process's callTimeoutMs, and the server ends the session of one that stopped answering after as long${advice}`,
      cause,
    });
  }
}
