import type pg from "pg";
import type { ReadQuery, StoredEvent } from "../EventStore.js";
import { StoreError } from "../errors.js";
import type { CallDeadline } from "./CallDeadline.js";
import { SlowStatementError, slowReadStoreError } from "./connectionErrors.js";
import { buildReadSql, type EventRow, fromRow } from "./eventRows.js";
import type { ResolvedPostgresOptions } from "./options.js";
import type { PostgresCalls } from "./PostgresCalls.js";
import type { PostgresTurn } from "./PostgresTurn.js";
import { settleAbandonedAppend } from "./settleAbandonedAppend.js";

/** The longest wait for the server to end, and report on, a read whose answer did not come in time (ms). */
const SETTLE_MS = 1_000;

/**
 * The reads of one PostgreSQL store (`read`, `head`), each one call (see
 * `PostgresCalls`). A read whose answer does not come in time from a server
 * that is still running it (waiting for a lock, or reading a lot) has its
 * session ended on a connection of its own, so the server does not go on
 * working for a call that failed, and the call then fails saying that the
 * server answers and the read took longer than the setting that bounded it,
 * rather than asking whether the server runs.
 */
export class PostgresReads {
  readonly #config: pg.ClientConfig;
  readonly #options: ResolvedPostgresOptions;
  readonly #calls: PostgresCalls;

  constructor(config: pg.ClientConfig, options: ResolvedPostgresOptions, calls: PostgresCalls) {
    this.#config = config;
    this.#options = options;
    this.#calls = calls;
  }

  /** The events `query` selects, in order of position. */
  read(query: ReadQuery): Promise<StoredEvent[]> {
    const { sql, params } = buildReadSql(query);
    return this.#call(
      "reading events",
      "raise that setting for reads this large, or read fewer events a call (its limit)",
      async (deadline, turn) => (await this.#query<EventRow>(deadline, sql, params, turn)).map(fromRow),
    );
  }

  /** The position of the last event (0 for an empty log). */
  head(): Promise<number> {
    return this.#call("reading the head", "raise that setting", async (deadline, turn) => {
      const rows = await this.#query<{ head: string }>(
        deadline,
        "SELECT COALESCE(MAX(seq), 0) AS head FROM events",
        [],
        turn,
      );
      return Number(rows[0]?.head ?? 0);
    });
  }

  /**
   * Runs a read as one call (`doing` names it in errors); when its last
   * attempt was still being run by a reachable server as the time ran out,
   * it fails saying so, with `advice`.
   */
  async #call<T>(
    doing: string,
    advice: string,
    work: (deadline: CallDeadline, turn: PostgresTurn | undefined) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.#calls.retrying(doing, (_attempt, deadline, turn) => work(deadline, turn));
    } catch (error) {
      const cause = error instanceof StoreError ? error.cause : error;
      if (!(cause instanceof SlowStatementError)) throw error;
      throw slowReadStoreError(cause, this.#options, doing, advice);
    }
  }

  /**
   * One read statement (see `PostgresCalls.query`). When its answer does not
   * come in time on a pool connection, its session is ended; if the server
   * answered and was still at work on the statement, the driver's error is
   * thrown as a `SlowStatementError`, retried as that error is. A statement
   * of a write turn is not settled: the turn's end ends it.
   */
  async #query<Row extends pg.QueryResultRow>(
    deadline: CallDeadline,
    sql: string,
    params: readonly unknown[],
    turn: PostgresTurn | undefined,
  ): Promise<Row[]> {
    let unanswered: number | undefined;
    try {
      const { rows } = await this.#calls.query<Row>(deadline, sql, params, turn?.query, (pid, timedOut) => {
        // A read whose connection broke is retried as it is: it wrote nothing, and the server ends its session.
        if (timedOut) unanswered = pid;
      });
      return rows;
    } catch (error) {
      if (unanswered === undefined || !(error instanceof Error)) throw error;
      const settled = await settleAbandonedAppend(
        this.#config,
        unanswered,
        undefined,
        Math.min(SETTLE_MS, this.#options.queryTimeoutMs),
      );
      // A session that was done, or sending its answer, lost it on the way: not a slow read.
      if (!settled.busy || (!settled.ended && !settled.running)) throw error;
      throw new SlowStatementError(error, settled.ended, settled.blockedBy);
    }
  }
}
