import type pg from "pg";
import type { PreparedEvent, StoreAppendOptions, StoredEvent } from "../EventStore.js";
import { StoreError } from "../errors.js";
import { concurrencyConflict, idempotencyConflict } from "../internal/conflicts.js";
import { payloadJsonOf } from "../internal/payloadJson.js";
import { type CallDeadline, lockWaitMs } from "./CallDeadline.js";
import { SlowStatementError, slowCallStoreError } from "./connectionErrors.js";
import { COLUMNS, type EventRow, fromRow } from "./eventRows.js";
import { LostAppendError, lostAppendStoreError, unsettledAppendStoreError } from "./lostAppends.js";
import type { ResolvedPostgresOptions } from "./options.js";
import type { PostgresCalls } from "./PostgresCalls.js";
import type { PostgresTurn, TurnStatement } from "./PostgresTurn.js";
import { settleAbandonedAppend } from "./settleAbandonedAppend.js";

/** The row `factory_append` answers with. */
interface AppendOutcome {
  readonly outcome: "appended" | "landed" | "duplicate" | "key_conflict" | "head_conflict";
  readonly result_head: string | null;
  readonly result_first: string | null;
  readonly result_count: number;
}

/** The session of an append whose answer did not come: its server process id, and whether the wait ran out (else the connection broke). */
interface Unanswered {
  readonly pid: number;
  readonly timedOut: boolean;
}

/** The longest wait for the server to end, and report on, an append whose answer did not come in time (ms). */
const SETTLE_MS = 1_000;

/** Where the appends of one PostgreSQL store go, and how. */
export interface AppendTarget {
  /** The driver settings of a connection, for one outside the pool (to settle an append). */
  readonly config: pg.ClientConfig;
  readonly options: ResolvedPostgresOptions;
  /** The key of the schema's append lock (see `AppendLock`). */
  readonly lockKey: number;
  /** The `NOTIFY` channel each commit is announced on. */
  readonly channel: string;
}

/**
 * One attempt of an append of a PostgreSQL store: the `factory_append`
 * statement on a pool connection or in a write turn, what its outcome means,
 * and what became of one whose answer did not come in time.
 */
export class PostgresAppends {
  readonly #target: AppendTarget;
  readonly #calls: PostgresCalls;

  constructor(target: AppendTarget, calls: PostgresCalls) {
    this.#target = target;
    this.#calls = calls;
  }

  /**
   * Appends `batch` in one statement; on a retry (`isRetry`), a batch that
   * committed before the connection broke is found by its first id and
   * returned as it landed.
   *
   * @throws ConcurrencyConflictError or IdempotencyConflictError from the log's checks; the driver's error otherwise.
   */
  async once(
    batch: readonly PreparedEvent[],
    options: StoreAppendOptions,
    isRetry: boolean,
    deadline: CallDeadline,
    turn?: TurnStatement,
  ): Promise<StoredEvent[]> {
    const target = this.#target;
    // One statement in autocommit: the server takes the append lock, writes and
    // commits without waiting on this client in between (see factory_append).
    // Its arguments are evaluated before it runs: the first sets the statement's
    // lock_timeout, so the server gives up waiting for the lock, and rolls the
    // append back, before this client gives up waiting for the answer.
    let unanswered: Unanswered | undefined;
    const answer = this.#calls.query<AppendOutcome>(
      deadline,
      `SELECT outcome, result_head, result_first, result_count
         FROM factory_append(
           CASE WHEN set_config('lock_timeout', $16, true) IS NOT NULL THEN $1::integer END,
           $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
           ARRAY(SELECT p.data FROM json_array_elements($14::json) WITH ORDINALITY AS p(data, n) ORDER BY p.n),
           $15)`,
      (answerMs) => [
        target.lockKey,
        target.channel,
        target.options.durability === "normal",
        options.idempotencyKey ?? null,
        options.requestHash ?? null,
        options.expectedHead ?? null,
        // On a retry, a batch that committed before the connection broke is found by its first id.
        isRetry ? (batch[0]?.id ?? null) : null,
        batch.map((event) => event.id),
        batch.map((event) => event.type),
        batch.map((event) => event.v),
        batch.map((event) => event.at),
        batch.map((event) => event.actor),
        batch.map((event) => event.subject),
        // One JSON array of the payloads, split by the server: node-pg escapes each quote and backslash
        // of a text[] element with a regular expression, seconds for a payload of millions of them.
        `[${batch.map(payloadJsonOf).join(",")}]`,
        batch.map((event) => event.causedBy ?? null),
        String(lockWaitMs(answerMs)),
      ],
      turn,
      (pid, timedOut) => {
        unanswered = { pid, timedOut };
      },
    );
    let rows: AppendOutcome[];
    try {
      ({ rows } = await answer);
    } catch (error) {
      return this.#settle(error, unanswered, batch);
    }
    const result = rows[0];
    if (result === undefined) throw new Error("factory_append returned no row");
    switch (result.outcome) {
      case "appended": {
        const first = Number(result.result_first);
        return batch.map((event, index) => ({ ...event, seq: first + index }));
      }
      case "landed":
      case "duplicate":
        return this.#range(Number(result.result_first), result.result_count, deadline, turn);
      case "key_conflict":
        throw idempotencyConflict(options.idempotencyKey ?? "");
      case "head_conflict":
        throw concurrencyConflict(options.expectedHead ?? 0, Number(result.result_head));
      default:
        throw new Error(`factory_append returned an unknown outcome ${result.outcome}`);
    }
  }

  /**
   * Appends in a write turn, whose commit's answer is waited for until the
   * call's deadline at most, and settled as an unanswered append is when it
   * does not come.
   */
  async inTurn(
    turn: PostgresTurn,
    batch: readonly PreparedEvent[],
    options: StoreAppendOptions,
    deadline: CallDeadline,
  ): Promise<StoredEvent[]> {
    let unanswered: Unanswered | undefined;
    try {
      return await turn.append((query) => this.once(batch, options, false, deadline, query), {
        answerMs: () => deadline.answerMs(this.#target.options.queryTimeoutMs),
        unanswered: (pid) => {
          unanswered = { pid, timedOut: true };
        },
      });
    } catch (error) {
      return this.#settle(error, unanswered, batch);
    }
  }

  /**
   * What became of an append that failed with `error`: when its answer (or
   * its turn's commit's) did not come in time, the server may still be
   * running it. Once its session (`pid`) has ended, the log says whether it
   * landed; if it did, only the answer was lost and its events are returned.
   * If it did not, the server is reachable: when it was at work on the
   * append, or still busy with the session when the wait ran out, the append
   * was too slow for its time, and `error` is thrown as a
   * `SlowStatementError`; when it was not (the statement or its answer was
   * lost on a connection gone silent), as a `LostAppendError`. Both are
   * retried as `error` is. An append whose connection broke is thrown as a
   * `LostAppendError` naming its session, settled only if the call fails
   * (see {@link failed}): a retry finds a batch that landed. Otherwise, when
   * nothing is known, `error` is thrown.
   */
  async #settle(
    error: unknown,
    unanswered: Unanswered | undefined,
    batch: readonly PreparedEvent[],
  ): Promise<StoredEvent[]> {
    const first = batch[0];
    if (unanswered === undefined || first === undefined || !(error instanceof Error)) throw error;
    if (!unanswered.timedOut) throw new LostAppendError(error, unanswered.pid);
    const settled = await this.#settleSession(unanswered.pid, first.id);
    if (!settled.ended) throw settled.running ? new SlowStatementError(error, false) : error;
    if (settled.landedAt === undefined)
      throw settled.busy ? new SlowStatementError(error, true) : new LostAppendError(error);
    const landedAt = settled.landedAt;
    return batch.map((event, index) => ({ ...event, seq: landedAt + index }));
  }

  /** Ends the session `pid` that ran an append whose first event is `firstId`, and tells whether the batch landed. */
  #settleSession(pid: number, firstId: string) {
    const waitMs = Math.min(SETTLE_MS, this.#target.options.queryTimeoutMs);
    return settleAbandonedAppend(this.#target.config, pid, firstId, waitMs);
  }

  /**
   * What an append call of `batch` that failed with `error` answers: its
   * events, when an attempt lost its connection after the batch landed
   * (settled now: the last attempt's session, else `earlier`, the last one
   * lost before); else the error to throw. A last attempt that a reachable
   * server was still running as the call's time ran out says so (see
   * {@link slowCallStoreError}); one whose connection was lost while the
   * server was not at work on it says that nothing was written (see
   * {@link lostAppendStoreError}); when the server could not be asked, the
   * error says that the append may have landed.
   */
  async failed(
    error: unknown,
    batch: readonly PreparedEvent[],
    earlier: LostAppendError | undefined,
  ): Promise<{ readonly stored: StoredEvent[] } | { readonly error: unknown }> {
    const cause = error instanceof StoreError ? error.cause : error;
    const bytes = batch.reduce((sum, event) => sum + Buffer.byteLength(payloadJsonOf(event)), 0);
    const doing = `appending ${batch.length === 1 ? "1 event" : `${batch.length} events`} of ${bytes} bytes`;
    const { options } = this.#target;
    if (cause instanceof SlowStatementError) return { error: slowCallStoreError(cause, options, doing) };
    const last = cause instanceof LostAppendError ? cause : undefined;
    // Lost with nothing written: the error says so; an earlier attempt's session, if any, is settled otherwise.
    const notWritten = () => ({
      error: last === undefined ? error : lostAppendStoreError(last, options.target, doing),
    });
    const lost = last?.pid === undefined ? earlier : last;
    const first = batch[0];
    if (lost?.pid === undefined || first === undefined) return notWritten();
    const settled = await this.#settleSession(lost.pid, first.id);
    if (!settled.ended)
      return { error: error instanceof Error ? unsettledAppendStoreError(error, lost) : error };
    const landedAt = settled.landedAt;
    if (landedAt === undefined) return notWritten();
    return { stored: batch.map((event, index) => ({ ...event, seq: landedAt + index })) };
  }

  /** The events at positions `first` to `first + count - 1`: a batch that had landed already. */
  async #range(
    first: number,
    count: number,
    deadline: CallDeadline,
    turn?: TurnStatement,
  ): Promise<StoredEvent[]> {
    const { rows } = await this.#calls.query<EventRow>(
      deadline,
      `SELECT ${COLUMNS} FROM events WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
      [first, first + count],
      turn,
    );
    return rows.map(fromRow);
  }
}
