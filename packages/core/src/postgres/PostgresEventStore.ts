import { createHash } from "node:crypto";
import pg from "pg";
import type { EventStore, PreparedEvent, ReadQuery, StoreAppendOptions, StoredEvent } from "../EventStore.js";
import { ClosedError, ConcurrencyConflictError, SchemaVersionError, StoreError } from "../errors.js";
import { concurrencyConflict, idempotencyConflict } from "../internal/conflicts.js";
import { appendTurn, heldTurn, lostRace } from "../retryOnConflict.js";
import { AppendLock } from "./AppendLock.js";
import { CallDeadline, lockWaitMs } from "./CallDeadline.js";
import { clientConfig } from "./clientConfig.js";
import {
  deadlineStoreError,
  isConnectionError,
  isLockTimeout,
  isPoolConnectTimeout,
  isPoolWaitTimeout,
  noAnswerStoreError,
  poolBusyStoreError,
  storeErrorFrom,
} from "./connectionErrors.js";
import { endWithin } from "./endWithin.js";
import { buildReadSql, COLUMNS, type EventRow, fromRow } from "./eventRows.js";
import { migrate, POSTGRES_SCHEMA_VERSION } from "./migrations.js";
import { NotificationListener } from "./NotificationListener.js";
import {
  type PostgresEventStoreOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from "./options.js";
import type { PostgresTurn, TurnStatement } from "./PostgresTurn.js";
import { PostgresWriteTurns } from "./PostgresWriteTurns.js";
import { settleAbandonedAppend } from "./settleAbandonedAppend.js";
import { turnOrder } from "./turnOrder.js";

interface AppendOutcome {
  readonly outcome: "appended" | "landed" | "duplicate" | "key_conflict" | "head_conflict";
  readonly result_head: string | null;
  readonly result_first: string | null;
  readonly result_count: number;
}

/** The longest wait for the server to end, and report on, an append whose answer did not come in time (ms). */
const SETTLE_MS = 1_000;

/**
 * Opens (or creates) an event store in a PostgreSQL database, shared by every
 * process and machine that connects to it.
 *
 * Appends are serialized by a transaction-scoped advisory lock
 * (`pg_advisory_xact_lock`) taken before the head is read. This is what keeps
 * positions gap-free *as readers see them*: with a sequence or without the
 * lock, two transactions could take positions 5 and 6 and commit 6 first; a
 * reader catching up at that moment would see 6, move its position past 5, and
 * never see 5 when it commits. Under the lock the next append reads the head
 * only after the previous one has committed (the lock is released after the
 * commit is visible), so positions become visible strictly in order. Each
 * append is one statement calling the `factory_append` function the migration
 * installs, so the lock is held from inside the server to the commit and never
 * across a round trip to a client.
 *
 * Each commit sends `NOTIFY` on a channel named after the schema; watchers
 * `LISTEN` on a dedicated connection that reconnects with backoff and wakes them
 * after every reconnect, so subscribers catch up by position on anything they
 * missed. Appends and reads that lose their connection are retried on a new
 * one; an append that may have committed before the connection broke is
 * recognised by its event ids, so a retry never stores a batch twice.
 *
 * A write that keeps losing the race for the head (see `retryOnConflict`)
 * takes a write turn: a connection opens a transaction and takes the append
 * lock in it before the attempt reads, so every other append, in any process,
 * waits for it; the attempt's reads and its append run on that connection
 * (the function takes the lock the transaction holds), and the turn commits
 * the append and ends, or rolls back when the attempt finishes without one,
 * or after half of `callTimeoutMs` at most. The server ends the turn's
 * session, and so frees the lock, when the process sends it nothing for that
 * long (`idle_in_transaction_session_timeout`), so a process that hangs while
 * it holds a turn does not stop the others' appends for good. The turn's
 * connection is one of its own, besides the pool's (at most one a store, closed
 * when idle as theirs are), so reads of this process, which an attempt in a
 * turn may wait for (a projection's catch-up), never wait for the turn. Appends
 * of this process wait for the turn to end before they take a connection, so
 * they do not hold the pool's while they could only wait. An append that runs
 * out of `callTimeoutMs` while another session holds the lock says so, naming
 * that session; the server gave up waiting for the lock first (each append
 * sets its statement's `lock_timeout` a little short of the time the client
 * waits for the answer) and rolled the append back, so it never lands later.
 * An append whose answer does not come in time at all is settled before the
 * call fails: its session is ended and the log searched for its first event
 * id, and the call returns its events if it landed.
 *
 * @throws ValidationError when the options are invalid.
 * @throws SchemaVersionError when the database was written by a newer SDK.
 * @throws StoreError naming host and port when the server cannot be reached, or
 *   when the schema holds another application's `schema_version` table.
 * @example
 * ```ts
 * const store = await openPostgresEventStore({ url: "postgres://factory@db:5432/factory" });
 * const log = await openEventLog({ store, events: [LineAdded] });
 * ```
 */
export async function openPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const resolved = resolvePostgresOptions(options);
  const config = clientConfig(resolved);
  // Opening is one call: its first connection waits callTimeoutMs at most, as the probe's does.
  const connectMs =
    resolved.connectionTimeoutMs === 0
      ? resolved.callTimeoutMs
      : Math.min(resolved.connectionTimeoutMs, resolved.callTimeoutMs);
  const connections = new Set<pg.Client>();
  const newPool = (max: number) => {
    const made = new pg.Pool({
      ...config,
      connectionTimeoutMillis: connectMs,
      max,
      idleTimeoutMillis: resolved.idleTimeoutMs,
      allowExitOnIdle: true,
    });
    // An idle connection that the server closes emits here; the pool replaces it on next use.
    made.on("error", () => undefined);
    made.on("connect", (client) => connections.add(client as unknown as pg.Client));
    made.on("remove", (client) => connections.delete(client as unknown as pg.Client));
    return made;
  };
  const pool = newPool(resolved.poolMax);
  const established = new Set<pg.Client>();
  pool.on("connect", (client) => established.add(client as unknown as pg.Client));
  pool.on("remove", (client) => established.delete(client as unknown as pg.Client));
  let schema: string;
  let order: string;
  try {
    const client = await pool.connect().catch((error: unknown) => {
      throw isPoolConnectTimeout(error)
        ? noAnswerStoreError(error, resolved.target, "opening the event store", connectMs)
        : error;
    });
    // As in CallDeadline.query: a lent connection the server ends emits 'error' besides failing the statement.
    const ignore = () => undefined;
    client.on("error", ignore);
    try {
      schema = await migrate(client, resolved.schema, resolved.target);
      order = await turnOrder(client, schema, resolved.target);
      client.off("error", ignore);
      client.release();
    } catch (error) {
      client.off("error", ignore);
      // A connection that failed (or stopped answering) is discarded, not returned to the pool.
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof SchemaVersionError || error instanceof StoreError) throw error;
    throw storeErrorFrom(error, resolved.target, "opening the event store");
  }
  // A write turn's connection is not one of the pool's: with a pool of one, a read the turn's attempt
  // waits for (a projection's catch-up begun outside it) would otherwise wait for the turn to end.
  const turnPool = newPool(1);
  return new PostgresEventStore(
    { pool, turnPool, established },
    connections,
    config,
    resolved,
    schema,
    order,
  );
}

/** The schema version this code writes. */
export { POSTGRES_SCHEMA_VERSION };

class PostgresEventStore implements EventStore {
  readonly kind = "postgres";
  readonly #pool: pg.Pool;
  /** The one connection of the write turns, besides the pool's. */
  readonly #turnPool: pg.Pool;
  /** The pool's open connections (not the turns'), to tell a busy pool from a silent server. */
  readonly #established: ReadonlySet<pg.Client>;
  /** The pools' open connections, destroyed by `close()` when they do not end in time. */
  readonly #connections: ReadonlySet<pg.Client>;
  readonly #options: ResolvedPostgresOptions;
  /** The driver settings of a connection, for one outside the pool. */
  readonly #config: pg.ClientConfig;
  readonly #schema: string;
  readonly #channel: string;
  readonly #listener: NotificationListener;
  readonly #listeners = new Set<() => void>();
  readonly #lock: AppendLock;
  readonly #turns: PostgresWriteTurns;
  #catchUpTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    {
      pool,
      turnPool,
      established,
    }: { readonly pool: pg.Pool; readonly turnPool: pg.Pool; readonly established: ReadonlySet<pg.Client> },
    connections: ReadonlySet<pg.Client>,
    config: pg.ClientConfig,
    options: ResolvedPostgresOptions,
    schema: string,
    order: string,
  ) {
    this.#pool = pool;
    this.#turnPool = turnPool;
    this.#established = established;
    this.#connections = connections;
    this.#options = options;
    this.#config = config;
    this.#schema = schema;
    this.#channel = channelFor(schema);
    this.#lock = new AppendLock(pool, options, schema);
    this.#turns = new PostgresWriteTurns(this.#lock, turnPool, order, () => this.#ensureOpen());
    this.#listener = new NotificationListener({
      config: { ...config, application_name: `${options.applicationName}-listener`.slice(0, 63) },
      channel: this.#channel,
      wake: () => this.#notify(),
      initialDelayMs: options.retryInitialDelayMs,
      maxDelayMs: options.retryMaxDelayMs,
      checkIntervalMs: options.listenerCheckIntervalMs,
    });
  }

  async append(batch: readonly PreparedEvent[], options: StoreAppendOptions): Promise<StoredEvent[]> {
    this.#ensureOpen();
    const turn = this.#turns.borrowedTurn() ?? (await appendTurn(this.#turns));
    while (turn?.open !== true && this.#turns.held !== undefined) await this.#turns.held;
    const started = Date.now();
    let stored: StoredEvent[];
    try {
      stored = await this.#retrying("appending events", (attempt, deadline, open) =>
        open === undefined
          ? this.#appendOnce(batch, options, attempt > 1, deadline)
          : this.#appendInTurn(open, batch, options, deadline),
      );
    } catch (error) {
      if (error instanceof ConcurrencyConflictError) throw lostRace(error, this.#turns);
      // Only the server's own lock timeout says that nothing was written; an append whose answer did not
      // come in time (settled in #appendOnce) fails as a call without an answer.
      throw (
        (await this.#lock.heldError(error, "appending events", Date.now() - started, isLockTimeout)) ?? error
      );
    } finally {
      await turn?.end();
    }
    if (stored.length > 0) this.#notify();
    return stored;
  }

  async read(query: ReadQuery): Promise<StoredEvent[]> {
    this.#ensureOpen();
    const { sql, params } = buildReadSql(query);
    return this.#retrying("reading events", async (_attempt, deadline, turn) => {
      const { rows } = await this.#query<EventRow>(deadline, sql, params, turn?.query);
      return rows.map(fromRow);
    });
  }

  async head(): Promise<number> {
    this.#ensureOpen();
    return this.#retrying("reading the head", async (_attempt, deadline, turn) => {
      const { rows } = await this.#query<{ head: string }>(
        deadline,
        "SELECT COALESCE(MAX(seq), 0) AS head FROM events",
        [],
        turn?.query,
      );
      return Number(rows[0]?.head ?? 0);
    });
  }

  watch(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1 && !this.#closed) {
      this.#listener.start();
      if (this.#options.catchUpIntervalMs > 0) {
        this.#catchUpTimer = setInterval(() => this.#notify(), this.#options.catchUpIntervalMs);
        this.#catchUpTimer.unref();
      }
    }
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
      clearInterval(this.#catchUpTimer);
      void this.#listener.stop();
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#turns.forget();
    await this.#turns.end();
    this.#listeners.clear();
    clearInterval(this.#catchUpTimer);
    // Idle pool connections are unref'd (allowExitOnIdle) so that an open store
    // never keeps a process alive; closing them must, or a process whose last
    // work is this close can exit before it completes (exit code 13,
    // "unsettled top-level await").
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      await this.#listener.stop();
      await endWithin(
        Promise.all([this.#pool.end(), this.#turnPool.end()]),
        this.#options.queryTimeoutMs,
        () => {
          for (const client of this.#connections) client.connection.stream.destroy();
        },
      );
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Whether every connection the pool may open is open and lent to a call. */
  #poolInUse(): boolean {
    return this.#established.size >= this.#options.poolMax && this.#pool.idleCount === 0;
  }

  #ensureOpen(): void {
    if (this.#closed) {
      throw new ClosedError({
        message: `the PostgreSQL event store at ${this.#options.target} (schema ${this.#schema}) is closed`,
      });
    }
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  async #appendOnce(
    batch: readonly PreparedEvent[],
    options: StoreAppendOptions,
    isRetry: boolean,
    deadline: CallDeadline,
    turn?: TurnStatement,
  ): Promise<StoredEvent[]> {
    // One statement in autocommit: the server takes the append lock, writes and
    // commits without waiting on this client in between (see factory_append).
    // Its arguments are evaluated before it runs: the first sets the statement's
    // lock_timeout, so the server gives up waiting for the lock, and rolls the
    // append back, before this client gives up waiting for the answer.
    let unanswered: number | undefined;
    const answer = this.#query<AppendOutcome>(
      deadline,
      `SELECT outcome, result_head, result_first, result_count
         FROM factory_append(
           CASE WHEN set_config('lock_timeout', $16, true) IS NOT NULL THEN $1::integer END,
           $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      (answerMs) => [
        this.#lock.key,
        this.#channel,
        this.#options.durability === "normal",
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
        batch.map((event) => JSON.stringify(event.data)),
        batch.map((event) => event.causedBy ?? null),
        String(lockWaitMs(answerMs)),
      ],
      turn,
      (pid) => {
        unanswered = pid;
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
  async #appendInTurn(
    turn: PostgresTurn,
    batch: readonly PreparedEvent[],
    options: StoreAppendOptions,
    deadline: CallDeadline,
  ): Promise<StoredEvent[]> {
    let unanswered: number | undefined;
    try {
      return await turn.append((query) => this.#appendOnce(batch, options, false, deadline, query), {
        answerMs: () => deadline.answerMs(this.#options.queryTimeoutMs),
        unanswered: (pid) => {
          unanswered = pid;
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
   * Otherwise, or when that cannot be confirmed, `error` is thrown.
   */
  async #settle(
    error: unknown,
    pid: number | undefined,
    batch: readonly PreparedEvent[],
  ): Promise<StoredEvent[]> {
    const first = batch[0];
    if (pid === undefined || first === undefined) throw error;
    const settled = await settleAbandonedAppend(
      this.#config,
      pid,
      first.id,
      Math.min(SETTLE_MS, this.#options.queryTimeoutMs),
    );
    if (!settled.ended || settled.landedAt === undefined) throw error;
    const landedAt = settled.landedAt;
    return batch.map((event, index) => ({ ...event, seq: landedAt + index }));
  }

  async #range(
    first: number,
    count: number,
    deadline: CallDeadline,
    turn?: TurnStatement,
  ): Promise<StoredEvent[]> {
    const { rows } = await this.#query<EventRow>(
      deadline,
      `SELECT ${COLUMNS} FROM events WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
      [first, first + count],
      turn,
    );
    return rows.map(fromRow);
  }

  /**
   * One statement on a pool connection (or on a write turn's, with `turn`),
   * within the call's deadline and `queryTimeoutMs`; see `CallDeadline.query`
   * for `values` and `unanswered` (a pool connection's only).
   */
  #query<Row extends pg.QueryResultRow>(
    deadline: CallDeadline,
    text: string,
    values: readonly unknown[] | ((answerMs: number) => readonly unknown[]) = [],
    turn?: TurnStatement,
    unanswered?: (pid: number) => void,
  ): Promise<pg.QueryResult<Row>> {
    if (turn === undefined)
      return deadline.query<Row>(this.#pool, this.#options.queryTimeoutMs, text, values, unanswered);
    const answerMs = deadline.answerMs(this.#options.queryTimeoutMs);
    return turn<Row>({
      text,
      values: [...(typeof values === "function" ? values(answerMs) : values)],
      query_timeout: answerMs,
    });
  }

  /**
   * Runs `work`, retrying with backoff while the failure is a lost or refused
   * connection, for at most `retryAttempts` attempts and `callTimeoutMs` in all.
   * While the running attempt of a write holds a turn on this store, `work` is
   * given it, to run its statements on the turn's connection rather than
   * take one of the pool's; a failure there ends the turn.
   */
  async #retrying<T>(
    doing: string,
    work: (attempt: number, deadline: CallDeadline, turn: PostgresTurn | undefined) => Promise<T>,
  ): Promise<T> {
    const options = this.#options;
    const deadline = new CallDeadline(options.callTimeoutMs);
    const turn = this.#turns.borrowedTurn() ?? heldTurn(this.#turns);
    for (let attempt = 1; ; attempt++) {
      const given = turn?.open === true ? turn : undefined;
      try {
        return await work(attempt, deadline, given);
      } catch (error) {
        // A failed statement leaves the turn's transaction unusable: its lock is let go
        // (if the server has not), and the attempt's next statements run on the pool.
        await given?.end();
        if (error instanceof Error && "_tag" in error) throw error;
        const busy = isPoolWaitTimeout(error) && this.#poolInUse();
        if (!isConnectionError(error) || attempt >= options.retryAttempts || this.#closed) {
          if (busy) throw poolBusyStoreError(error, options.target, doing, options.poolMax);
          throw storeErrorFrom(
            error,
            options.target,
            attempt === 1 ? doing : `${doing} (${attempt} attempts)`,
          );
        }
        const delay = Math.min(options.retryMaxDelayMs, options.retryInitialDelayMs * 2 ** (attempt - 1));
        if (deadline.left <= delay)
          throw busy
            ? poolBusyStoreError(error, options.target, doing, options.poolMax)
            : deadlineStoreError(error, options.target, doing, attempt, deadline.timeoutMs);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** The `NOTIFY` channel of a schema; hashed unless the name is plain and fits PostgreSQL's 63-byte limit. */
function channelFor(schema: string): string {
  const channel = `factory_events_${schema}`;
  // Only plain names go into the channel as they are; others (quotes, capitals, length) are hashed.
  if (/^[a-z0-9_]{1,63}$/.test(channel)) return channel;
  return `factory_events_${createHash("sha256").update(schema).digest("hex").slice(0, 40)}`;
}
