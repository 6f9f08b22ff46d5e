import type pg from "pg";
import { appendTurn, heldTurn, type WriteTurns } from "../retryOnConflict.js";
import type { AppendLock } from "./AppendLock.js";
import { CallDeadline } from "./CallDeadline.js";
import { isConnectionError, isLockTimeout, isQueryTimeout } from "./connectionErrors.js";
import type { ResolvedPostgresOptions } from "./options.js";
import { beginPostgresTurn, type PostgresTurn } from "./PostgresTurn.js";
import { retryConnectionErrors } from "./retryConnectionErrors.js";
import { borrowedTurn, shareTurns, unshareTurns } from "./sharedTurns.js";

/** Tells whether the server gave up waiting for a lock, or the client for the answer. */
function lockOrQueryTimeout(cause: unknown): boolean {
  return isLockTimeout(cause) || isQueryTimeout(cause);
}

/**
 * Tells whether taking a turn may be tried again on a new connection after
 * `error`: the connection was lost or refused, so its session, and the
 * transaction that took (or waited for) the lock, end with it, and nothing
 * was written. Not after an answer that did not come in time: that session
 * may still hold the lock, and the error says who does.
 */
function retryableTurnStart(error: unknown): boolean {
  return isConnectionError(error) && !isQueryTimeout(error);
}

/** What taking a write turn is called in the errors of a call that could not. */
const TAKING = "waiting for a write turn";

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
    shareTurns(this);
  }

  /**
   * The turn a call of the running attempt of a write (a read) goes through,
   * if any (ended or not): the one it holds on this store, or the open one it
   * holds through another store of this process on the same log (see `sharedTurns`).
   */
  callTurn(): PostgresTurn | undefined {
    return borrowedTurn(this) ?? heldTurn(this);
  }

  /**
   * The turn an append of the running attempt of a write goes through, as
   * {@link callTurn} (see `appendTurn` for what an attempt in turns that holds
   * none open here does first). Without an open one, waits until no write of
   * this process holds or takes a turn on this store: an append waits for
   * the turn to end before it takes a connection, so it does not hold one of
   * the pool's while it could only wait.
   */
  async appendingTurn(): Promise<PostgresTurn | undefined> {
    const turn = borrowedTurn(this) ?? (await appendTurn(this));
    while (turn?.open !== true && this.#held !== undefined) await this.#held;
    return turn;
  }

  /** Forgets this store (it is closing): other stores on its log no longer borrow its turns. */
  forget(): void {
    unshareTurns(this);
  }

  /**
   * Takes a write turn: once no other write of this process holds one, the
   * turns' connection opens a transaction, tells the server to end its session when
   * it stays idle in it for as long as the turn may last, and waits for the
   * append lock, which it keeps until the turn ends. A connection lost or
   * refused before the turn began is replaced, and the turn taken again,
   * `retry.attempts` times at most within `callTimeoutMs`.
   *
   * @throws StoreError when no connection or no lock is had within `callTimeoutMs`
   *   (naming the session that holds the lock), or the connection fails every time.
   * @throws ClosedError when the store closes before the turn is taken.
   */
  async take(): Promise<PostgresTurn> {
    this.#ensureOpen();
    // Its lock is taken already, for this attempt: taking it again would wait for the turn to lapse.
    const borrowed = borrowedTurn(this);
    if (borrowed !== undefined) return borrowed;
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
    const started = Date.now();
    const deadline = new CallDeadline(this.#options.callTimeoutMs);
    try {
      this.#turn = await retryConnectionErrors(
        this.#options,
        deadline,
        TAKING,
        async (attempt) => {
          if (attempt > 1) this.#ensureOpen();
          return this.#begin(deadline, over);
        },
        {
          retryable: retryableTurnStart,
          failure: (error) => this.#lock.heldError(error, TAKING, Date.now() - started, lockOrQueryTimeout),
        },
      );
      return this.#turn;
    } catch (error) {
      over();
      throw error;
    }
  }

  /** Begins a turn on a connection of the turns' pool, within the call's `deadline`; `over` is called when it ends. */
  async #begin(deadline: CallDeadline, over: () => void): Promise<PostgresTurn> {
    const options = this.#options;
    const client = await deadline.connect(this.#pool);
    const lastsMs = Math.max(1, Math.floor(options.callTimeoutMs / 2));
    return beginPostgresTurn(
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
  }

  /** Ends the turn a write of this process holds on this store, if any (the store is closing). */
  async end(): Promise<void> {
    await this.#turn?.end();
  }
}
