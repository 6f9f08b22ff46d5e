import { createHash } from "node:crypto";
import pg from "pg";
import {
  DEFAULT_READ_LIMIT,
  type EventStore,
  type PreparedEvent,
  type ReadQuery,
  type StoreAppendOptions,
  type StoredEvent,
} from "../EventStore.js";
import { ClosedError, SchemaVersionError, ValidationError } from "../errors.js";
import { concurrencyConflict, idempotencyConflict } from "../internal/conflicts.js";
import { isConnectionError, storeErrorFrom } from "./connectionErrors.js";
import { APPEND_LOCK_CLASS, migrate, POSTGRES_SCHEMA_VERSION } from "./migrations.js";
import { NotificationListener } from "./NotificationListener.js";
import {
  type PostgresEventStoreOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from "./options.js";

interface EventRow {
  readonly seq: string;
  readonly id: string;
  readonly type: string;
  readonly v: number;
  readonly at: string;
  readonly actor: string;
  readonly subject: string;
  readonly data: unknown;
  readonly caused_by: string | null;
}

interface AppendState {
  readonly head: string;
  readonly request_hash: string | null;
  readonly first_seq: string | null;
  readonly count: number | null;
  readonly landed_seq: string | null;
}

const COLUMNS = "seq, id, type, v, at, actor, subject, data, caused_by";

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
 * commit is visible), so positions become visible strictly in order.
 *
 * Each commit sends `NOTIFY` on a channel named after the schema; watchers
 * `LISTEN` on a dedicated connection that reconnects with backoff and wakes them
 * after every reconnect, so subscribers catch up by position on anything they
 * missed. Appends and reads that lose their connection are retried on a new
 * one; an append that may have committed before the connection broke is
 * recognised by its event ids, so a retry never stores a batch twice.
 *
 * @throws ValidationError when the options are invalid.
 * @throws SchemaVersionError when the database was written by a newer SDK.
 * @throws StoreError naming host and port when the server cannot be reached.
 * @example
 * ```ts
 * const store = await openPostgresEventStore({ url: "postgres://factory@db:5432/factory" });
 * const log = await openEventLog({ store, events: [LineAdded] });
 * ```
 */
export async function openPostgresEventStore(options: PostgresEventStoreOptions): Promise<EventStore> {
  const resolved = resolvePostgresOptions(options);
  const config = clientConfig(resolved);
  const pool = new pg.Pool({
    ...config,
    max: resolved.poolMax,
    idleTimeoutMillis: resolved.idleTimeoutMs,
    allowExitOnIdle: true,
  });
  // An idle connection that the server closes emits here; the pool replaces it on next use.
  pool.on("error", () => undefined);
  let schema: string;
  try {
    const client = await pool.connect();
    try {
      schema = await migrate(client, resolved.schema, resolved.target);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof SchemaVersionError) throw error;
    throw storeErrorFrom(error, resolved.target, "opening the event store");
  }
  return new PostgresEventStore(pool, config, resolved, schema);
}

/** The schema version this code writes. */
export { POSTGRES_SCHEMA_VERSION };

class PostgresEventStore implements EventStore {
  readonly kind = "postgres";
  readonly #pool: pg.Pool;
  readonly #options: ResolvedPostgresOptions;
  readonly #schema: string;
  readonly #channel: string;
  readonly #listener: NotificationListener;
  readonly #listeners = new Set<() => void>();
  readonly #begin: string;
  #catchUpTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(pool: pg.Pool, config: pg.ClientConfig, options: ResolvedPostgresOptions, schema: string) {
    this.#pool = pool;
    this.#options = options;
    this.#schema = schema;
    this.#channel = channelFor(schema);
    this.#begin = [
      "BEGIN",
      ...(options.durability === "normal" ? ["SET LOCAL synchronous_commit = off"] : []),
      `SELECT pg_advisory_xact_lock(${APPEND_LOCK_CLASS}, hashtext(${literal(schema)}))`,
    ].join("; ");
    this.#listener = new NotificationListener({
      config: { ...config, application_name: `${options.applicationName}-listener`.slice(0, 63) },
      channel: this.#channel,
      wake: () => this.#notify(),
      initialDelayMs: options.retryInitialDelayMs,
      maxDelayMs: options.retryMaxDelayMs,
    });
  }

  async append(batch: readonly PreparedEvent[], options: StoreAppendOptions): Promise<StoredEvent[]> {
    this.#ensureOpen();
    const stored = await this.#retrying("appending events", (attempt) =>
      this.#appendOnce(batch, options, attempt > 1),
    );
    if (stored.length > 0) this.#notify();
    return stored;
  }

  async read(query: ReadQuery): Promise<StoredEvent[]> {
    this.#ensureOpen();
    const { sql, params } = buildReadSql(query);
    return this.#retrying("reading events", async () => {
      const { rows } = await this.#pool.query<EventRow>(sql, params);
      return rows.map(fromRow);
    });
  }

  async head(): Promise<number> {
    this.#ensureOpen();
    return this.#retrying("reading the head", async () => {
      const { rows } = await this.#pool.query<{ head: string }>(
        "SELECT COALESCE(MAX(seq), 0) AS head FROM events",
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
    this.#listeners.clear();
    clearInterval(this.#catchUpTimer);
    await this.#listener.stop();
    await this.#pool.end();
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
  ): Promise<StoredEvent[]> {
    const client = await this.#pool.connect();
    // A checked-out client whose connection dies emits "error"; the failing query reports it.
    const ignore = (): void => undefined;
    client.on("error", ignore);
    let broken: unknown;
    try {
      // One round trip: open the transaction and wait for the append lock, so the
      // head read below sees every append that committed before ours.
      await client.query(this.#begin);
      const state = await this.#readState(client, options.idempotencyKey, isRetry ? batch[0]?.id : undefined);
      const head = Number(state.head);
      let stored: StoredEvent[];
      if (state.landed_seq !== null) {
        // A previous attempt committed before its connection broke: return what it stored.
        stored = await this.#range(client, Number(state.landed_seq), batch.length);
      } else if (state.first_seq !== null && options.idempotencyKey !== undefined) {
        if ((state.request_hash ?? undefined) !== options.requestHash) {
          throw idempotencyConflict(options.idempotencyKey);
        }
        stored = await this.#range(client, Number(state.first_seq), state.count ?? 0);
      } else {
        if (options.expectedHead !== undefined && options.expectedHead !== head) {
          throw concurrencyConflict(options.expectedHead, head);
        }
        stored = batch.map((event, index) => ({ ...event, seq: head + 1 + index }));
        if (stored.length > 0) await this.#insert(client, stored, options);
      }
      await client.query("COMMIT");
      return stored;
    } catch (error) {
      broken = isConnectionError(error) ? error : undefined;
      if (broken === undefined) await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.off("error", ignore);
      // A connection that failed is destroyed, not returned to the pool.
      client.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
    }
  }

  async #readState(
    client: pg.PoolClient,
    key: string | undefined,
    firstId: string | undefined,
  ): Promise<AppendState> {
    const { rows } = await client.query<AppendState>(
      `SELECT (SELECT COALESCE(MAX(seq), 0) FROM events) AS head,
              k.request_hash, k.first_seq, k.count,
              (SELECT seq FROM events WHERE id = $2) AS landed_seq
         FROM (SELECT 1) AS one
         LEFT JOIN idempotency k ON k.key = $1`,
      [key ?? null, firstId ?? null],
    );
    const state = rows[0];
    if (state === undefined) throw new Error("the append state query returned no row");
    return state;
  }

  async #insert(client: pg.PoolClient, stored: readonly StoredEvent[], options: StoreAppendOptions) {
    const first = stored[0]?.seq ?? 0;
    const last = first + stored.length - 1;
    const key = options.idempotencyKey;
    await client.query(
      `WITH inserted AS (
         INSERT INTO events (${COLUMNS})
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[],
                              $6::text[], $7::text[], $8::json[], $9::text[])
       ), keyed AS (
         INSERT INTO idempotency (key, request_hash, first_seq, count)
         SELECT $10::text, $11::text, $12::bigint, $13::int WHERE $10::text IS NOT NULL
       )
       SELECT pg_notify($14, $15)`,
      [
        stored.map((event) => event.seq),
        stored.map((event) => event.id),
        stored.map((event) => event.type),
        stored.map((event) => event.v),
        stored.map((event) => event.at),
        stored.map((event) => event.actor),
        stored.map((event) => event.subject),
        stored.map((event) => JSON.stringify(event.data)),
        stored.map((event) => event.causedBy ?? null),
        key ?? null,
        options.requestHash ?? null,
        first,
        stored.length,
        this.#channel,
        String(last),
      ],
    );
  }

  async #range(client: pg.PoolClient, first: number, count: number): Promise<StoredEvent[]> {
    const { rows } = await client.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE seq >= $1 AND seq < $2 ORDER BY seq`,
      [first, first + count],
    );
    return rows.map(fromRow);
  }

  /** Runs `work`, retrying with backoff while the failure is a lost or refused connection. */
  async #retrying<T>(doing: string, work: (attempt: number) => Promise<T>): Promise<T> {
    const options = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(attempt);
      } catch (error) {
        if (error instanceof Error && "_tag" in error) throw error;
        if (!isConnectionError(error) || attempt >= options.retryAttempts || this.#closed) {
          throw storeErrorFrom(
            error,
            options.target,
            attempt === 1 ? doing : `${doing} (${attempt} attempts)`,
          );
        }
        const delay = Math.min(options.retryMaxDelayMs, options.retryInitialDelayMs * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function clientConfig(options: ResolvedPostgresOptions): pg.ClientConfig {
  return {
    connectionString: options.url,
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    application_name: options.applicationName,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    keepAlive: true,
  };
}

/** The `NOTIFY` channel of a schema; hashed when the name would pass PostgreSQL's 63-byte limit. */
function channelFor(schema: string): string {
  const channel = `factory_events_${schema}`;
  if (Buffer.byteLength(channel) <= 63) return channel;
  return `factory_events_${createHash("sha256").update(schema).digest("hex").slice(0, 40)}`;
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function buildReadSql(query: ReadQuery): { sql: string; params: unknown[] } {
  const limit = query.limit ?? DEFAULT_READ_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ValidationError({
      message: `read query is invalid: limit: expected a non-negative integer, got ${String(limit)}`,
      issues: [{ path: "limit", message: "expected a non-negative integer" }],
    });
  }
  const params: unknown[] = [query.after ?? 0];
  const where = ["seq > $1"];
  if (query.until !== undefined) {
    params.push(query.until);
    where.push(`seq <= $${params.length}`);
  }
  if (query.types !== undefined) {
    params.push(query.types);
    where.push(`type = ANY($${params.length}::text[])`);
  }
  if (query.subjects !== undefined) {
    params.push(query.subjects);
    where.push(`subject = ANY($${params.length}::text[])`);
  }
  params.push(limit);
  return {
    sql: `SELECT ${COLUMNS} FROM events WHERE ${where.join(" AND ")} ORDER BY seq LIMIT $${params.length}`,
    params,
  };
}

function fromRow(row: EventRow): StoredEvent {
  const event = {
    seq: Number(row.seq),
    id: row.id,
    type: row.type,
    v: row.v,
    at: row.at,
    actor: row.actor,
    subject: row.subject,
    data: row.data,
  };
  return row.caused_by === null ? event : { ...event, causedBy: row.caused_by };
}
