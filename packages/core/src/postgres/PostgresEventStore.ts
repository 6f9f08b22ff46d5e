import type pg from "pg";
import { anObject, checkArguments } from "../checkArguments.js";
import type { EventStore, PreparedEvent, ReadQuery, StoreAppendOptions, StoredEvent } from "../EventStore.js";
import { ClosedError, ConcurrencyConflictError, ReadOnlyError } from "../errors.js";
import { lostRace } from "../retryOnConflict.js";
import { AppendLock } from "./AppendLock.js";
import { CallDeadline } from "./CallDeadline.js";
import { clientConfig } from "./clientConfig.js";
import {
  isEndedConnection,
  isLockTimeout,
  isPoolConnectTimeout,
  noAnswerStoreError,
} from "./connectionErrors.js";
import { LostAppendError } from "./lostAppends.js";
import { findFactorySchema, migrate, POSTGRES_SCHEMA_VERSION } from "./migrations.js";
import { refuseNulText } from "./nulText.js";
import {
  type PostgresEventStoreOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from "./options.js";
import { PostgresAppends } from "./PostgresAppends.js";
import { PostgresCalls } from "./PostgresCalls.js";
import { PostgresReads } from "./PostgresReads.js";
import { PostgresWriteTurns } from "./PostgresWriteTurns.js";
import { retryConnectionErrors } from "./retryConnectionErrors.js";
import { statementFailure } from "./StoreConnection.js";
import { StorePools } from "./StorePools.js";
import { StoreWatchers } from "./StoreWatchers.js";
import { turnOrder } from "./turnOrder.js";
import { checkUnfinishedCopy } from "./unfinishedCopy.js";

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
 * recognised by its event ids, so a retry never stores a batch twice. So is
 * the taking of a write turn (below) whose connection is lost before the turn
 * began: nothing was written, and the lost session's lock ends with it.
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
 * A read (or a look at the head) whose answer does not come in time has its
 * session ended too, so the server does not go on with it; when the server
 * was still at work on it, the call fails saying that the server answers and
 * the read took longer than `callTimeoutMs` (or `queryTimeoutMs`), naming
 * any session holding a lock it waited for.
 *
 * Opening, too, is retried on a new connection when the server ends one (a
 * failover, a terminated session), as a read is; not when the server refuses
 * the connection or does not answer, which fails at once.
 *
 * Opened with `readOnly`, it creates and migrates nothing and refuses every
 * append with a `ReadOnlyError` naming host, port, database and schema.
 *
 * @throws ValidationError when the options are no object, or invalid (naming each field).
 * @throws SchemaVersionError when the database was written by a newer SDK.
 * @throws StoreError naming host and port when the server cannot be reached, or
 *   when the schema holds another application's `schema_version` table, or
 *   part of a factory without its `schema_version` table, or a factory
 *   lacking a table or column (or, writable, its `factory_append` function),
 *   or (`readOnly`) when the schema holds no factory or it needs a migration,
 *   or (without `copyTarget`) when it holds an unfinished copy of another log.
 * @example
 * ```ts
 * const store = await openPostgresEventStore({ url: "postgres://factory@db:5432/factory" });
 * const log = await openEventLog({ store, events: [LineAdded] });
 * ```
 */
export async function openPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  checkArguments("openPostgresEventStore", {
    options: [anObject("an object of options, as { url }"), options],
  });
  const resolved = resolvePostgresOptions(options);
  const config = clientConfig(resolved);
  // Opening is one call: its first connection waits callTimeoutMs at most, as the probe's does.
  const connectMs =
    resolved.connectionTimeoutMs === 0
      ? resolved.callTimeoutMs
      : Math.min(resolved.connectionTimeoutMs, resolved.callTimeoutMs);
  const pools = new StorePools(config, resolved, connectMs);
  let opened: OpenedSchema;
  try {
    // A connection the server ends meanwhile (a failover, a terminated session) is retried on a new one, as a read's.
    opened = await retryConnectionErrors(
      resolved,
      new CallDeadline(resolved.callTimeoutMs),
      OPENING,
      () => openSchema(pools, resolved, connectMs),
      { retryable: isEndedConnection },
    );
  } catch (error) {
    // The turns' pool has opened no connection yet.
    await Promise.all([pools.pool.end(), pools.turnPool.end()]).catch(() => undefined);
    throw error;
  }
  return new PostgresEventStore(pools, config, resolved, opened.schema, opened.order);
}

/** What opening a store does, for messages. */
const OPENING = "opening the event store";

/** The schema an opened store's log is in, and its place in the order of write turns (see `turnOrder`). */
interface OpenedSchema {
  readonly schema: string;
  readonly order: string;
}

/**
 * One attempt at opening a store, on a connection of its pool: finds the
 * factory's schema (read-only) or creates and migrates it, and reads its
 * place in the order of write turns.
 *
 * @throws StoreError when the server does not answer within `connectMs`, or
 *   the schema is refused (see `migrate`); the driver's error otherwise.
 */
async function openSchema(
  pools: StorePools,
  resolved: ResolvedPostgresOptions,
  connectMs: number,
): Promise<OpenedSchema> {
  const client = await pools.pool.connect().catch((error: unknown) => {
    throw isPoolConnectTimeout(error)
      ? noAnswerStoreError(error, resolved.target, OPENING, connectMs)
      : error;
  });
  try {
    const schema = resolved.readOnly
      ? await findFactorySchema(client, resolved.schema, resolved.target)
      : (await migrate(client, resolved.schema, resolved.target)).schema;
    await checkUnfinishedCopy(client, schema, resolved);
    const order = await turnOrder(client, schema, resolved.target);
    client.release();
    return { schema, order };
  } catch (failure) {
    const error = statementFailure(client, failure);
    // A connection that failed (or stopped answering) is discarded, not returned to the pool.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** The schema version this code writes. */
export { POSTGRES_SCHEMA_VERSION };

/**
 * The event store over one schema of a PostgreSQL database (see
 * {@link openPostgresEventStore}): its calls (`PostgresCalls`), appends
 * (`PostgresAppends`), write turns (`PostgresWriteTurns`) and watchers
 * (`StoreWatchers`) over its connections (`StorePools`).
 */
class PostgresEventStore implements EventStore {
  readonly kind = "postgres";
  readonly readOnly: boolean;
  readonly #pools: StorePools;
  readonly #options: ResolvedPostgresOptions;
  readonly #schema: string;
  readonly #lock: AppendLock;
  readonly #turns: PostgresWriteTurns;
  readonly #calls: PostgresCalls;
  readonly #appends: PostgresAppends;
  readonly #reads: PostgresReads;
  readonly #watchers: StoreWatchers;
  #closed = false;

  constructor(
    pools: StorePools,
    config: pg.ClientConfig,
    options: ResolvedPostgresOptions,
    schema: string,
    order: string,
  ) {
    this.#pools = pools;
    this.#options = options;
    this.#schema = schema;
    this.readOnly = options.readOnly;
    const closed = () => this.#closed;
    this.#lock = new AppendLock(pools.pool, options, schema);
    this.#turns = new PostgresWriteTurns(this.#lock, pools.turnPool, order, () => this.#ensureOpen());
    this.#calls = new PostgresCalls(pools, options, this.#turns, closed);
    this.#watchers = new StoreWatchers(config, options, schema, closed);
    this.#appends = new PostgresAppends(
      { config, options, lockKey: this.#lock.key, channel: this.#watchers.channel },
      this.#calls,
    );
    this.#reads = new PostgresReads(config, options, this.#calls);
  }

  async append(batch: readonly PreparedEvent[], options: StoreAppendOptions): Promise<StoredEvent[]> {
    this.#ensureOpen();
    if (this.readOnly) {
      const where = `the PostgreSQL store at ${this.#options.target} (schema ${this.#schema})`;
      throw new ReadOnlyError({
        message: `cannot write to ${where}: it was opened read-only (readOnly: true); it can be read, and nothing was written`,
        path: where,
      });
    }
    refuseNulText(batch);
    const turn = await this.#turns.appendingTurn();
    const started = Date.now();
    let stored: StoredEvent[];
    /** The last attempt whose connection broke after its append was sent, whose batch may have landed. */
    let lost: LostAppendError | undefined;
    try {
      stored = await this.#calls.retrying("appending events", (attempt, deadline, open) =>
        (open === undefined
          ? this.#appends.once(batch, options, attempt > 1, deadline)
          : this.#appends.inTurn(open, batch, options, deadline)
        ).catch((error: unknown) => {
          if (error instanceof LostAppendError && error.pid !== undefined) lost = error;
          throw error;
        }),
      );
    } catch (error) {
      if (error instanceof ConcurrencyConflictError) throw lostRace(error, this.#turns);
      // Only the server's own lock timeout, or a settled append (see PostgresAppends), says that nothing
      // was written; an append whose answer did not come in time and could not be settled fails as a
      // call without an answer. A last attempt whose connection broke after its batch landed answers it.
      const held = await this.#lock.heldError(error, "appending events", Date.now() - started, isLockTimeout);
      if (held !== undefined) throw held;
      const outcome = await this.#appends.failed(error, batch, lost);
      if ("error" in outcome) throw outcome.error;
      stored = outcome.stored;
    } finally {
      await turn?.end();
    }
    if (stored.length > 0) this.#watchers.notify();
    return stored;
  }

  async read(query: ReadQuery): Promise<StoredEvent[]> {
    this.#ensureOpen();
    return this.#reads.read(query);
  }

  async head(): Promise<number> {
    this.#ensureOpen();
    return this.#reads.head();
  }

  watch(listener: () => void): () => void {
    return this.#watchers.watch(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#turns.forget();
    await this.#turns.end();
    // Idle pool connections are unref'd (allowExitOnIdle) so that an open store
    // never keeps a process alive; closing them must, or a process whose last
    // work is this close can exit before it completes (exit code 13,
    // "unsettled top-level await").
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      await this.#watchers.stop();
      await this.#pools.end();
    } finally {
      clearInterval(keepAlive);
    }
  }

  #ensureOpen(): void {
    if (this.#closed) {
      throw new ClosedError({
        message: `the PostgreSQL event store at ${this.#options.target} (schema ${this.#schema}) is closed`,
      });
    }
  }
}
