import pg from "pg";

/** What the driver says of a statement on a connection that ended while it ran none. */
const NOT_QUERYABLE = "Client has encountered a connection error and is not queryable";

/**
 * A connection of the PostgreSQL store, listening to its own `error` event
 * from the moment it exists, and keeping the first error it ended with.
 *
 * The driver emits `error` when the server ends a connection (a terminated
 * backend, a failover), and with no listener that is an uncaught exception
 * that stops the process. pg-pool listens only while a connection is idle in
 * the pool: it takes its listener off when it lends the connection, before
 * the borrower can add one. When the server's "ready" answer to a new
 * connection and its "terminating connection" arrive in one packet, the
 * driver reads both at once, so the connection is lent and ends before any
 * code of the borrower runs. Listening here loses nothing: the statement or
 * connect that the ending broke fails with the error, and the pool discards
 * the connection when it is given back.
 */
export class StoreConnection extends pg.Client {
  /** The error the connection ended with, if it did. */
  #ended: Error | undefined;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on("error", (error: Error) => {
      this.#ended ??= error;
    });
  }

  /**
   * The failure of a statement on this connection to report: why the
   * connection ended, when the driver says only that it is not queryable
   * (it ended while no statement ran), else `error` itself.
   */
  failure(error: unknown): unknown {
    return this.#ended !== undefined && error instanceof Error && error.message === NOT_QUERYABLE
      ? this.#ended
      : error;
  }
}

/** The failure of a statement on `client` to report (see {@link StoreConnection.failure}). */
export function statementFailure(client: pg.ClientBase, error: unknown): unknown {
  return client instanceof StoreConnection ? client.failure(error) : error;
}
