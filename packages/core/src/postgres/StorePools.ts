import pg from "pg";
import { endWithin } from "./endWithin.js";
import type { ResolvedPostgresOptions } from "./options.js";
import { StoreConnection } from "./StoreConnection.js";

/**
 * The connections of one PostgreSQL store: the pool its calls take theirs
 * from, and the pool of one connection its write turns take theirs from.
 * Their connections are closed when idle, and never keep the process alive.
 */
export class StorePools {
  /** The pool of the store's calls (`poolMax` connections). */
  readonly pool: pg.Pool;
  /**
   * The one connection of the write turns, besides the pool's: with a pool of
   * one, a read the turn's attempt waits for (a projection's catch-up begun
   * outside it) would otherwise wait for the turn to end.
   */
  readonly turnPool: pg.Pool;
  readonly #options: ResolvedPostgresOptions;
  /** Both pools' open connections, destroyed by `end` when they do not end in time. */
  readonly #connections = new Set<pg.Client>();
  /** The call pool's open connections (not the turns'), to tell a busy pool from a silent server. */
  readonly #established = new Set<pg.Client>();

  /**
   * @param config the driver settings of a connection.
   * @param connectMs how long a new connection may take to come up (ms).
   */
  constructor(config: pg.ClientConfig, options: ResolvedPostgresOptions, connectMs: number) {
    this.#options = options;
    const newPool = (max: number) => {
      const made = new pg.Pool({
        ...config,
        connectionTimeoutMillis: connectMs,
        max,
        idleTimeoutMillis: options.idleTimeoutMs,
        allowExitOnIdle: true,
        Client: StoreConnection,
      });
      // An idle connection that the server closes emits here; the pool replaces it on next use.
      made.on("error", () => undefined);
      made.on("connect", (client) => this.#connections.add(client as unknown as pg.Client));
      made.on("remove", (client) => this.#connections.delete(client as unknown as pg.Client));
      return made;
    };
    this.pool = newPool(options.poolMax);
    this.pool.on("connect", (client) => this.#established.add(client as unknown as pg.Client));
    this.pool.on("remove", (client) => this.#established.delete(client as unknown as pg.Client));
    this.turnPool = newPool(1);
  }

  /** Whether every connection the call pool may open is open and lent to a call. */
  poolInUse(): boolean {
    return this.#established.size >= this.#options.poolMax && this.pool.idleCount === 0;
  }

  /**
   * Ends both pools: waits for their connections to end politely, for
   * `queryTimeoutMs` at most, then destroys those still open (their server
   * may never answer).
   */
  async end(): Promise<void> {
    await endWithin(Promise.all([this.pool.end(), this.turnPool.end()]), this.#options.queryTimeoutMs, () => {
      for (const client of this.#connections) client.connection.stream.destroy();
    });
  }
}
