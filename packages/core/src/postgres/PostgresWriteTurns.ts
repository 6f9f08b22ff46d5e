import type pg from "pg";
import { heldTurn, type WriteTurns } from "../retryOnConflict.js";
import type { AppendLock } from "./AppendLock.js";
import { CallDeadline } from "./CallDeadline.js";
import { isLockTimeout, isQueryTimeout, storeErrorFrom } from "./connectionErrors.js";
import type { ResolvedPostgresOptions } from "./options.js";
import { beginPostgresTurn, type PostgresTurn } from "./PostgresTurn.js";

/** Tells whether the server gave up waiting for a lock, or the client for the answer. */
function lockOrQueryTimeout(cause: unknown): boolean {
  return isLockTimeout(cause) || isQueryTimeout(cause);
}

/** The write turns of the stores open in this process, by their log's place in the order of turns. */
const storesOfLog = new Map<string, Set<PostgresWriteTurns>>();

/**
 * The write turns of one PostgreSQL store in this process: one at a time,
 * each on a connection of their own (not one of the pool's, so the calls that
 * a turn's attempt waits for never wait for the turn) that holds the
 * schema's append lock for at most half of `callTimeoutMs` (see
 * `beginPostgresTurn`).
 */
export class PostgresWriteTurns implements WriteTurns<PostgresTurn> {
  readonly #pool: pg.Pool;
  readonly #options: ResolvedPostgresOptions;
  readonly #lock: AppendLock;
  /** Throws when the store is closed. */
  readonly #ensureOpen: () => void;
  /** The turn a write of this process holds on this store, ended by `end`. */
  #turn: PostgresTurn | undefined;
  /** Settles when the turn a write of this process holds or is taking on this store has ended. */
  #held: Promise<void> | undefined;

  /**
   * @param pool the pool (of one connection) the turns take their connection from.
   * @param order the store's place in the order of turns (see `turnOrder`).
   * @param ensureOpen throws when the store is closed.
   */
  constructor(
    lock: AppendLock,
    pool: pg.Pool,
    readonly order: string,
    ensureOpen: () => void,
  ) {
    this.#pool = pool;
    this.#options = lock.options;
    this.#lock = lock;
    this.#ensureOpen = ensureOpen;
    const stores = storesOfLog.get(order) ?? new Set();
    storesOfLog.set(order, stores.add(this));
  }

  /**
   * The open turn the running attempt of a write holds on this store's log
   * through another store of this process on it (opened with the same URL and
   * schema, say), if any: its reads and appends through this store go through
   * that turn (and end it as its own), as they would wait for it otherwise.
   */
  borrowedTurn(): PostgresTurn | undefined {
    for (const other of storesOfLog.get(this.order) ?? []) {
      const turn = other === this ? undefined : heldTurn(other);
      if (turn?.open === true) return turn;
    }
    return undefined;
  }

  /** Forgets this store (it is closing): other stores on its log no longer borrow its turns. */
  forget(): void {
    const stores = storesOfLog.get(this.order);
    stores?.delete(this);
    if (stores?.size === 0) storesOfLog.delete(this.order);
  }

  /**
   * Takes a write turn: once no other write of this process holds one, the
   * turns' connection opens a transaction, tells the server to end its session when
   * it stays idle in it for as long as the turn may last, and waits for the
   * append lock, which it keeps until the turn ends.
   *
   * @throws StoreError when no connection or no lock is had within `callTimeoutMs`
   *   (naming the session that holds the lock), or the connection fails.
   */
  async take(): Promise<PostgresTurn> {
    this.#ensureOpen();
    // Its lock is taken already, for this attempt: taking it again would wait for the turn to lapse.
    const borrowedTurn = this.borrowedTurn();
    if (borrowedTurn !== undefined) return borrowedTurn;
    // The wait ends in the same tick as the turn is marked held, so two writes never take one at once.
    while (this.#held !== undefined) await this.#held;
    let settle: () => void = () => undefined;
    this.#held = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const over = () => {
      this.#turn = undefined;
      this.#held = undefined;
      settle();
    };
    const options = this.#options;
    const started = Date.now();
    const deadline = new CallDeadline(options.callTimeoutMs);
    let client: pg.PoolClient;
    try {
      client = await deadline.connect(this.#pool);
    } catch (error) {
      over();
      throw storeErrorFrom(error, options.target, "waiting for a write turn");
    }
    const lastsMs = Math.max(1, Math.floor(options.callTimeoutMs / 2));
    try {
      this.#turn = await beginPostgresTurn(
        client,
        {
          lockKey: this.#lock.key,
          lastsMs,
          answerMs: deadline.answerMs(options.queryTimeoutMs),
          // Waiting longer would not free the lock sooner: the server ends a session idle in a turn after lastsMs.
          rollbackAnswerMs: Math.min(options.queryTimeoutMs, lastsMs),
        },
        over,
      );
      return this.#turn;
    } catch (error) {
      throw (
        (await this.#lock.heldError(
          error,
          "waiting for a write turn",
          Date.now() - started,
          lockOrQueryTimeout,
        )) ?? storeErrorFrom(error, options.target, "waiting for a write turn")
      );
    }
  }

  /** Settles when the turn a write of this process holds or is taking on this store has ended; undefined when there is none. */
  get held(): Promise<void> | undefined {
    return this.#held;
  }

  /** Ends the turn a write of this process holds on this store, if any (the store is closing). */
  async end(): Promise<void> {
    await this.#turn?.end();
  }
}
