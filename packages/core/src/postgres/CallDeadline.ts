import type pg from "pg";
import { isConnectionError, isQueryTimeout } from "./connectionErrors.js";
import { statementFailure } from "./StoreConnection.js";

/** The most by which the server gives up waiting for a lock before the client gives up waiting for the answer (ms). */
const LOCK_WAIT_MARGIN_MS = 250;

/** What the pool throws when no connection comes in time; `isConnectionError` knows the message. */
const CONNECT_TIMEOUT_MESSAGE = "timeout exceeded when trying to connect";

/**
 * The time one call of the PostgreSQL store has left, its retries included
 * (`callTimeoutMs`), and the statements it runs within it: neither the wait
 * for a pool connection nor the wait for a statement's answer lasts past it,
 * so a pool whose connections all went silent cannot hold a call for one
 * `queryTimeoutMs` per retry.
 */
export class CallDeadline {
  /** When the call's time is up, in ms since the epoch. */
  readonly #end: number;

  constructor(
    /** The call's whole allowance, in ms. */
    readonly timeoutMs: number,
  ) {
    this.#end = Date.now() + timeoutMs;
  }

  /** The time left, in ms (0 once it is up). */
  get left(): number {
    return Math.max(0, this.#end - Date.now());
  }

  /** How long the client waits for the answer to a statement sent now: `queryTimeoutMs`, never past the deadline (at least 1 ms). */
  answerMs(queryTimeoutMs: number): number {
    return Math.max(1, Math.min(queryTimeoutMs, this.left));
  }

  /**
   * Runs one statement on a connection of the pool, waiting at most
   * `queryTimeoutMs` and never past the deadline for each of the connection
   * and the answer. A connection whose statement failed is discarded, as
   * `pool.query` does. `values` may be a function of the time the answer is
   * waited for (`answerMs`), for a statement that bounds a wait of the server
   * by it (see {@link lockWaitMs}). When the answer does not come in time
   * (`timedOut`), or the connection breaks, `unanswered` is told the server's
   * process id of the session that was running the statement (which may
   * still be running it, or have committed it) before this rejects.
   *
   * @throws the driver's error; a connection not had in time is one `isConnectionError` recognises.
   */
  async query<Row extends pg.QueryResultRow>(
    pool: pg.Pool,
    queryTimeoutMs: number,
    text: string,
    values: readonly unknown[] | ((answerMs: number) => readonly unknown[]) = [],
    unanswered?: (pid: number, timedOut: boolean) => void,
  ): Promise<pg.QueryResult<Row>> {
    // The connection listens to its own 'error' event (StoreConnection): the failed statement reports it here.
    const client = await this.connect(pool);
    try {
      // The driver reads query_timeout from a query's config (its types leave it out).
      const answerMs = this.answerMs(queryTimeoutMs);
      const config: pg.QueryConfig & { readonly query_timeout: number } = {
        text,
        values: [...(typeof values === "function" ? values(answerMs) : values)],
        query_timeout: answerMs,
      };
      const result = await client.query<Row>(config);
      client.release();
      return result;
    } catch (failure) {
      const error = statementFailure(client, failure);
      const pid = (client as unknown as { readonly processID: number | null }).processID;
      client.release(error instanceof Error ? error : true);
      const timedOut = isQueryTimeout(error);
      if (pid !== null && (timedOut || isConnectionError(error))) unanswered?.(pid, timedOut);
      throw error;
    }
  }

  /** A connection of the pool, or the pool's connect timeout error when none comes before the deadline (a late one goes back to the pool). */
  async connect(pool: pg.Pool): Promise<pg.PoolClient> {
    const connecting = pool.connect();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(CONNECT_TIMEOUT_MESSAGE)), this.left);
    });
    try {
      return await Promise.race([connecting, expired]);
    } catch (error) {
      connecting.then(
        (late) => late.release(),
        () => undefined,
      );
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The longest a statement may wait on the server for a lock (its
 * `lock_timeout`, in ms) when the client waits `answerMs` for its answer: a
 * tenth less, by 250 ms at most, and at least 1 ms (0 would mean no limit).
 * The server then gives up first, rolls the statement back and says so
 * while the client still listens: an append that fails on that answer never
 * takes the lock, and writes, later.
 */
export function lockWaitMs(answerMs: number): number {
  return Math.max(1, answerMs - Math.min(LOCK_WAIT_MARGIN_MS, Math.floor(answerMs / 10)));
}
