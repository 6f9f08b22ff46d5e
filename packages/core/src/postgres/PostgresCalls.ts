import type pg from "pg";
import { CallDeadline } from "./CallDeadline.js";
import { isPoolWaitTimeout, poolBusyStoreError } from "./connectionErrors.js";
import type { ResolvedPostgresOptions } from "./options.js";
import type { PostgresTurn, TurnStatement } from "./PostgresTurn.js";
import type { PostgresWriteTurns } from "./PostgresWriteTurns.js";
import { retryConnectionErrors } from "./retryConnectionErrors.js";
import type { StorePools } from "./StorePools.js";

/**
 * How the calls of one PostgreSQL store run their statements: each call
 * within its `callTimeoutMs`, retried on a new connection when one is lost,
 * and on the connection of the write turn the running attempt of a write
 * holds, if any, rather than one of the pool's.
 */
export class PostgresCalls {
  readonly #pools: StorePools;
  readonly #options: ResolvedPostgresOptions;
  readonly #turns: PostgresWriteTurns;
  /** Whether the store is closed. */
  readonly #closed: () => boolean;

  constructor(
    pools: StorePools,
    options: ResolvedPostgresOptions,
    turns: PostgresWriteTurns,
    closed: () => boolean,
  ) {
    this.#pools = pools;
    this.#options = options;
    this.#turns = turns;
    this.#closed = closed;
  }

  /**
   * One statement on a pool connection (or on a write turn's, with `turn`),
   * within the call's deadline and `queryTimeoutMs`; see `CallDeadline.query`
   * for `values` and `unanswered` (a pool connection's only).
   */
  query<Row extends pg.QueryResultRow>(
    deadline: CallDeadline,
    text: string,
    values: readonly unknown[] | ((answerMs: number) => readonly unknown[]) = [],
    turn?: TurnStatement,
    unanswered?: (pid: number, timedOut: boolean) => void,
  ): Promise<pg.QueryResult<Row>> {
    if (turn === undefined)
      return deadline.query<Row>(this.#pools.pool, this.#options.queryTimeoutMs, text, values, unanswered);
    const answerMs = deadline.answerMs(this.#options.queryTimeoutMs);
    return turn<Row>({
      text,
      values: [...(typeof values === "function" ? values(answerMs) : values)],
      query_timeout: answerMs,
    });
  }

  /**
   * Runs `work` as one call (`doing` names it in errors), retrying it while
   * the failure is a lost or refused connection (see `retryConnectionErrors`).
   * While the running attempt of a write holds a turn on this store, `work`
   * is given it, to run its statements on the turn's connection rather than
   * take one of the pool's; a failure there ends the turn. A call that got no
   * pool connection while all were in use says so.
   */
  retrying<T>(
    doing: string,
    work: (attempt: number, deadline: CallDeadline, turn: PostgresTurn | undefined) => Promise<T>,
  ): Promise<T> {
    const options = this.#options;
    const deadline = new CallDeadline(options.callTimeoutMs);
    const turn = this.#turns.callTurn();
    return retryConnectionErrors(
      options,
      deadline,
      doing,
      async (attempt) => {
        const given = turn?.open === true ? turn : undefined;
        try {
          return await work(attempt, deadline, given);
        } catch (error) {
          // A failed statement leaves the turn's transaction unusable: its lock is let go
          // (if the server has not), and the attempt's next statements run on the pool.
          await given?.end();
          throw error;
        }
      },
      {
        stopped: this.#closed,
        failure: (error) =>
          isPoolWaitTimeout(error) && this.#pools.poolInUse()
            ? poolBusyStoreError(error, options.target, doing, options.poolMax)
            : undefined,
      },
    );
  }
}
