import type pg from "pg";
import type { WriteTurn } from "../retryOnConflict.js";
import { lockWaitMs } from "./CallDeadline.js";
import { isQueryTimeout } from "./connectionErrors.js";
import { APPEND_LOCK_CLASS } from "./migrations.js";
import { statementFailure } from "./StoreConnection.js";

/** A statement's config with the `query_timeout` the driver reads (its types leave it out). */
export type TimedQuery = pg.QueryConfig & { readonly query_timeout: number };

/** Runs one statement on a write turn's connection, in its transaction. */
export type TurnStatement = <Row extends pg.QueryResultRow>(
  query: TimedQuery,
) => Promise<pg.QueryResult<Row>>;

/**
 * A write turn on a PostgreSQL store: a connection in a transaction that holds
 * the append lock (`pg_advisory_xact_lock`), whose session the server ends
 * when this process sends it nothing for as long as the turn may last.
 */
export interface PostgresTurn extends WriteTurn {
  /** Whether the turn still holds the lock and takes the attempt's statements. */
  readonly open: boolean;
  /** Runs a statement of the attempt (a read) on the turn's connection; only while `open`. */
  readonly query: TurnStatement;
  /**
   * Ends the turn with the attempt's append: `work` runs its statements on the
   * turn's connection (`factory_append` takes the lock the turn holds), and
   * what it wrote is committed before this resolves. Only while `open`.
   */
  append<T>(work: (query: TurnStatement) => Promise<T>, commit: TurnCommit): Promise<T>;
}

/** How the `COMMIT` of a turn's append (or the `ROLLBACK` of one that did not land) is waited for. */
export interface TurnCommit {
  /** How long to wait for its answer, asked when it is sent (ms): the append call's time left. */
  readonly answerMs: () => number;
  /**
   * Told the server's process id of the turn's session (which may still be
   * committing) when the answer does not come in time, before the append rejects.
   */
  readonly unanswered: (pid: number) => void;
}

/** How a turn is begun, and how long it may last. */
export interface TurnSettings {
  /** The key of the append lock (see `AppendLock`). */
  readonly lockKey: number;
  /** How long the turn lasts at most, and the server's `idle_in_transaction_session_timeout` for it (ms). */
  readonly lastsMs: number;
  /** How long the client waits for the lock: the answer to the statement that takes it (ms). */
  readonly answerMs: number;
  /**
   * How long the client waits for the answer to the `ROLLBACK` of a turn
   * ended without an append (by `end` or after `lastsMs`), in ms; past it the
   * connection is closed, which ends the transaction too.
   */
  readonly rollbackAnswerMs: number;
}

/**
 * Begins a write turn on `client`: opens a transaction, tells the server to
 * end its session when it stays idle in it for as long as the turn may last,
 * and waits for the append lock (the server gives up waiting a little before
 * the client does), which the turn keeps until it ends: by its attempt's
 * append, by `end`, or after `lastsMs`. When the turn ends, the connection
 * goes back to the pool (or is closed when a statement failed) and `over` is
 * called.
 *
 * @throws the driver's error when the lock is not had in time or the
 *   connection fails; the connection is closed first, and `over` is not
 *   called (no turn began).
 */
export async function beginPostgresTurn(
  client: pg.PoolClient,
  settings: TurnSettings,
  over: () => void,
): Promise<PostgresTurn> {
  /** The first failure of a statement on the connection, which is then closed rather than given back. */
  let failed: unknown;
  const query: TurnStatement = async (config) => {
    try {
      return await client.query(config);
    } catch (failure) {
      const error = statementFailure(client, failure);
      failed ??= error;
      throw error;
    }
  };
  const giveBack = () => {
    // Closing a connection ends its transaction on the server, which frees the lock.
    client.release(failed === undefined ? undefined : failed instanceof Error ? failed : true);
  };
  try {
    // One round trip: the simple protocol runs the four statements (the numbers are this code's own).
    // The server stops waiting for the lock before this client stops waiting for its answer.
    await query({
      text: `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${settings.lastsMs}; SET LOCAL lock_timeout = ${lockWaitMs(settings.answerMs)}; SELECT pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, ${settings.lockKey})`,
      query_timeout: settings.answerMs,
    });
  } catch (error) {
    giveBack();
    throw error;
  }
  const closing = (statement: "COMMIT" | "ROLLBACK", answerMs: () => number) => () =>
    failed === undefined
      ? query({ text: statement, query_timeout: answerMs() }).then(() => undefined)
      : Promise.resolve();
  let open = true;
  let ending: Promise<void> | undefined;
  /** Ends the turn once: `last` runs, then the connection goes back to the pool (or is closed when a statement failed). */
  const finish = (last: () => Promise<unknown>): Promise<void> => {
    open = false;
    clearTimeout(timer);
    ending ??= (async () => {
      await last().catch(() => undefined);
      giveBack();
      over();
    })();
    return ending;
  };
  const turn: PostgresTurn = {
    get open() {
      return open;
    },
    query,
    append: async (work, commit) => {
      const appended = (async () => {
        const result = await work(query);
        await closing("COMMIT", commit.answerMs)().catch((error: unknown) => {
          const pid = (client as unknown as { readonly processID: number | null }).processID;
          if (pid !== null && isQueryTimeout(error)) commit.unanswered(pid);
          throw error;
        });
        if (failed !== undefined) throw failed;
        return result;
      })();
      // A conflict rolls back, within the call's time as the commit; a failed statement or commit closes the connection.
      await finish(() => appended.catch(closing("ROLLBACK", commit.answerMs)));
      return appended;
    },
    end: () => finish(closing("ROLLBACK", () => settings.rollbackAnswerMs)),
  };
  const timer = setTimeout(() => void turn.end(), settings.lastsMs);
  timer.unref();
  return turn;
}
