import { existsSync, realpathSync, statSync } from "node:fs";
import type Database from "better-sqlite3";
import { z } from "zod";
import { checkArguments } from "../checkArguments.js";
import {
  DEFAULT_READ_LIMIT,
  type EventStore,
  type PreparedEvent,
  type ReadQuery,
  type StoreAppendOptions,
  type StoredEvent,
} from "../EventStore.js";
import { ClosedError, ConcurrencyConflictError, ReadOnlyError, StoreError } from "../errors.js";
import { concurrencyConflict, idempotencyConflict } from "../internal/conflicts.js";
import { payloadJsonOf } from "../internal/payloadJson.js";
import { EVENT_COLUMNS } from "../internal/storeTables.js";
import { appendTurn, heldTurn, lostRace, type WriteTurn, type WriteTurns } from "../retryOnConflict.js";
import { strictInput } from "../strictInput.js";
import { SQLITE_SCHEMA_VERSION } from "./migrations.js";
import { messageOf, openDatabase, openReadOnly } from "./openDatabase.js";
import { type ReadOnlyReason, whyNotWritable } from "./readOnlyDatabase.js";

/** Options of {@link openSqliteEventStore}. */
export interface SqliteEventStoreOptions {
  /** Path of the database file; created with its folder when missing. */
  readonly path: string;
  /**
   * `full` (default) syncs the write-ahead log on every commit, so an acknowledged
   * append survives a power loss; `normal` survives a crash of the process but
   * not of the machine, and appends single events several times faster.
   */
  readonly durability?: "full" | "normal";
  /**
   * How long a writer waits for another process's write lock, in ms (default
   * 10,000). A write turn (see `retryOnConflict`) holds the lock for half of it at most.
   */
  readonly busyTimeoutMs?: number;
  /** How often watchers poll for commits by other processes, in ms (default 50). */
  readonly pollIntervalMs?: number;
  /**
   * Opens the file for reading only: an append is refused with a
   * `ReadOnlyError`, and nothing is written to the file or its folder (no
   * `-wal` or `-shm` file is made). Without it the store opens read-only by
   * itself when this process may not write the file or its folder (a CI
   * artifact, another user's folder, a read-only mount), else read-write.
   *
   * Read-only, a file no process has open (it has no `-wal` and `-shm`
   * beside it) is read into memory as it is when opened, and later commits
   * by others are not seen; one a writer has open is read through its
   * `-wal`, and every commit is seen.
   */
  readonly readOnly?: boolean;
}

/** What {@link openSqliteEventStore} accepts: {@link SqliteEventStoreOptions}, no other field. */
const OptionsSchema = strictInput({
  path: z.string(),
  durability: z.enum(["full", "normal"]).optional(),
  busyTimeoutMs: z.number().nonnegative().optional(),
  pollIntervalMs: z.number().positive().optional(),
  readOnly: z.boolean().optional(),
});

interface EventRow {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly v: number;
  readonly at: string;
  readonly actor: string;
  readonly subject: string;
  readonly data: string;
  readonly caused_by: string | null;
}

interface IdempotencyRow {
  readonly request_hash: string | null;
  readonly first_seq: number;
  readonly count: number;
}

const COLUMNS = EVENT_COLUMNS.join(", ");

/** A write turn on a SQLite store: its connection in a `BEGIN IMMEDIATE` transaction. */
interface SqliteTurn extends WriteTurn {
  /** Whether the turn still holds the write lock. */
  readonly open: boolean;
  /**
   * Appends the batch on the turn's connection, in its transaction, commits
   * and ends the turn; throws (and leaves nothing behind) when the batch or
   * the commit fails.
   */
  append(batch: readonly PreparedEvent[], options: StoreAppendOptions): StoredEvent[];
  /** Tells the watchers of the store the turn was taken through that events landed. */
  notify(): void;
}

/** The write turn held in this process on one database file, and the store it was taken through. */
interface TurnInProcess {
  readonly turn: SqliteTurn;
  readonly through: WriteTurns<SqliteTurn>;
  /** Settles when the turn ends. */
  readonly ended: Promise<void>;
}

/**
 * The write turn held in this process on each database file (by real
 * path): appends of this process wait for it to end instead of
 * blocking the thread on the file's lock while the turn's own attempt, on the
 * same thread, would need to run to release it.
 */
const turnsInProcess = new Map<string, TurnInProcess>();

/**
 * The open turn the running attempt of a write holds on `file` through
 * another store of this process on it (the same path opened twice, or a link
 * to the file), if any: the attempt's appends through `turns` go through that
 * turn, as they would wait for it to lapse otherwise, and taking a turn
 * through `turns` gives it.
 */
function borrowedTurn(file: string, turns: WriteTurns<SqliteTurn>): SqliteTurn | undefined {
  const held = turnsInProcess.get(file);
  if (held === undefined || held.through === turns) return undefined;
  const turn = heldTurn(held.through);
  return turn?.open === true ? turn : undefined;
}

/** How many in-memory databases this process has opened: each is told apart by its number. */
let memoryDatabases = 0;

/**
 * Opens (or creates) the embedded event store: one SQLite file in WAL mode,
 * shared safely by every process on the machine that opens the same path.
 *
 * A write that keeps losing the race for the head (see `retryOnConflict`)
 * takes a write turn: its attempt runs inside a `BEGIN IMMEDIATE`
 * transaction, so other processes' appends wait on the file's lock (up to
 * their busy timeout) and this process's wait for the turn to end, which it
 * does when the attempt appends (committing) or finishes, or after half the
 * busy timeout. Stores of one process on one file (the same path opened
 * twice, or a link to it) share a write's turn: an attempt holding it through
 * one appends through another in that turn, on the connection that holds it.
 *
 * Opened read-only (see {@link SqliteEventStoreOptions.readOnly}), it reads
 * as any other and refuses every append with a `ReadOnlyError` naming the
 * read-only folder or file.
 *
 * @throws ValidationError naming each option of the wrong type or unknown (`options.path`, `options.busyTimeoutMs`).
 * @throws SchemaVersionError when the file was written by a newer SDK.
 * @throws ReadOnlyError when the file does not exist and its folder cannot be written.
 * @throws StoreError when the file cannot be opened or is not a factory
 * database, or (read-only) it does not exist or needs a migration.
 * @example
 * ```ts
 * const store = openSqliteEventStore({ path: ".factory/factory.db" });
 * ```
 */
export function openSqliteEventStore(options: SqliteEventStoreOptions): EventStore {
  checkArguments("openSqliteEventStore", { options: [OptionsSchema, options] });
  const readOnly: ReadOnlyReason | undefined =
    options.readOnly === true
      ? { path: options.path, why: "it was opened read-only (readOnly: true)" }
      : whyNotWritable(options.path);
  if (readOnly !== undefined && options.readOnly !== true && !existsSync(options.path))
    throw new ReadOnlyError({
      message: `cannot create the event store at ${options.path}: ${readOnly.why}; nothing was written`,
      path: readOnly.path,
    });
  const db = readOnly === undefined ? openDatabase(options) : openReadOnly(options.path);
  /** Refuses a write to a read-only store, before anything is done. */
  const refuseWrites = (): void => {
    if (readOnly === undefined) return;
    throw new ReadOnlyError({
      message: `cannot write to the event store at ${options.path}: ${readOnly.why}; it can be read, and nothing was written`,
      path: readOnly.path,
    });
  };
  const statements = {
    head: db.prepare<[], { head: number | null }>("SELECT MAX(seq) AS head FROM events"),
    insert: db.prepare(
      `INSERT INTO events (${COLUMNS}) VALUES (@seq, @id, @type, @v, @at, @actor, @subject, @data, @caused_by)`,
    ),
    findKey: db.prepare<[string], IdempotencyRow>(
      "SELECT request_hash, first_seq, count FROM idempotency WHERE key = ?",
    ),
    insertKey: db.prepare(
      "INSERT INTO idempotency (key, request_hash, first_seq, count) VALUES (?, ?, ?, ?)",
    ),
    range: db.prepare<[number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE seq >= ? AND seq < ? ORDER BY seq`,
    ),
    dataVersion: db.prepare<[], { data_version: number }>("PRAGMA data_version"),
  };
  const readStatements = new Map<string, Database.Statement<unknown[], EventRow>>();
  const listeners = new Set<() => void>();
  let poller: NodeJS.Timeout | undefined;
  let lastDataVersion = 0;
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new ClosedError({ message: `the event store at ${options.path} is closed` });
  };
  // The file exists once opened; its real path is the same through every link to it. An in-memory
  // database (":memory:", "") is one of its own.
  const file = db.memory ? `:memory:${++memoryDatabases}` : realpathSync(options.path);
  const refuseMoved = movedFileCheck(options.path, db.memory || readOnly !== undefined ? undefined : file);
  const turnMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000)) / 2;
  /** The turn a write of this process holds on this store, ended by `close`. */
  let current: SqliteTurn | undefined;
  const turns: WriteTurns<SqliteTurn> = {
    order: `sqlite:${file}`,
    async take() {
      ensureOpen();
      refuseWrites();
      refuseMoved();
      const borrowed = borrowedTurn(file, turns);
      if (borrowed !== undefined) return borrowed;
      // Checked again after each wait, in the same step as the BEGIN: another write may have taken it meanwhile.
      for (let held = turnsInProcess.get(file); held !== undefined; held = turnsInProcess.get(file))
        await held.ended;
      guard(options.path, () => db.exec("BEGIN IMMEDIATE"));
      let ended: () => void = () => undefined;
      const settled = new Promise<void>((settle) => (ended = settle));
      let open = true;
      const finish = (end: "COMMIT" | "ROLLBACK") => {
        if (!open) return;
        open = false;
        clearTimeout(timer);
        current = undefined;
        turnsInProcess.delete(file);
        ended();
        if (db.open && db.inTransaction) db.exec(end);
      };
      const turn: SqliteTurn = {
        get open() {
          return open;
        },
        append: (batch, appendOptions) => {
          // In the turn's transaction, the batch is a savepoint: a failed one leaves nothing behind.
          const written = appendBatch(batch, appendOptions);
          try {
            finish("COMMIT");
          } catch (error) {
            if (db.inTransaction) db.exec("ROLLBACK");
            throw error;
          }
          return written;
        },
        notify: () => notify(),
        // Nothing is written in a turn but by `append`, which ends it.
        end: async () => {
          try {
            finish("ROLLBACK");
          } catch {
            // The transaction is gone with the connection.
          }
        },
      };
      const timer = setTimeout(() => void turn.end(), turnMs);
      timer.unref();
      turnsInProcess.set(file, { turn, through: turns, ended: settled });
      current = turn;
      return turn;
    },
  };
  const currentHead = (): number => statements.head.get()?.head ?? 0;

  const appendBatch = db.transaction(
    (batch: readonly PreparedEvent[], appendOptions: StoreAppendOptions): StoredEvent[] => {
      const key = appendOptions.idempotencyKey;
      if (key !== undefined) {
        const previous = statements.findKey.get(key);
        if (previous !== undefined) {
          if ((previous.request_hash ?? undefined) !== appendOptions.requestHash)
            throw idempotencyConflict(key);
          return statements.range.all(previous.first_seq, previous.first_seq + previous.count).map(fromRow);
        }
      }
      const head = currentHead();
      if (appendOptions.expectedHead !== undefined && appendOptions.expectedHead !== head) {
        throw concurrencyConflict(appendOptions.expectedHead, head);
      }
      const stored = batch.map((event, index) => {
        statements.insert.run(toRow(event, head + 1 + index));
        return { ...event, seq: head + 1 + index };
      });
      if (key !== undefined && stored.length > 0) {
        statements.insertKey.run(key, appendOptions.requestHash ?? null, head + 1, stored.length);
      }
      return stored;
    },
  );

  const notify = (): void => {
    for (const listener of listeners) listener();
  };

  const poll = (): void => {
    if (closed) return;
    try {
      const version = statements.dataVersion.get()?.data_version ?? 0;
      if (version !== lastDataVersion) {
        lastDataVersion = version;
        notify();
      }
    } catch {
      // A transient lock or I/O error: the next tick polls again.
    }
  };

  return {
    kind: "sqlite",
    readOnly: readOnly !== undefined,
    async append(batch, appendOptions) {
      ensureOpen();
      refuseWrites();
      refuseMoved();
      const borrowed = borrowedTurn(file, turns);
      const turn = borrowed ?? (await appendTurn(turns));
      // As in `take`: the append runs in the same step as the last check.
      for (
        let held = turnsInProcess.get(file);
        held !== undefined && turn?.open !== true;
        held = turnsInProcess.get(file)
      )
        await held.ended;
      let stored: StoredEvent[];
      try {
        stored = guard(options.path, () =>
          turn?.open === true
            ? turn.append(batch, appendOptions)
            : appendBatch.immediate(batch, appendOptions),
        );
      } catch (error) {
        throw error instanceof ConcurrencyConflictError ? lostRace(error, turns) : error;
      } finally {
        await turn?.end();
      }
      if (stored.length > 0) {
        notify();
        // The turn's connection wrote them: the watchers of the store it was taken through poll that
        // connection, which sees no change in what it wrote itself.
        borrowed?.notify();
      }
      return stored;
    },
    async read(query) {
      ensureOpen();
      refuseMoved();
      const { sql, params } = buildReadSql(query);
      return guard(options.path, () => {
        let statement = readStatements.get(sql);
        if (statement === undefined) {
          statement = db.prepare<unknown[], EventRow>(sql);
          readStatements.set(sql, statement);
        }
        return statement.all(...params).map(fromRow);
      });
    },
    async head() {
      ensureOpen();
      return guard(options.path, currentHead);
    },
    watch(listener) {
      listeners.add(listener);
      if (poller === undefined && !closed) {
        lastDataVersion = statements.dataVersion.get()?.data_version ?? 0;
        poller = setInterval(poll, options.pollIntervalMs ?? 50);
        poller.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && poller !== undefined) {
          clearInterval(poller);
          poller = undefined;
        }
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await current?.end();
      if (poller !== undefined) clearInterval(poller);
      listeners.clear();
      db.close();
    },
  };
}

/** The schema version this code writes. */
export { SQLITE_SCHEMA_VERSION };

/**
 * The statement and parameters of a read. A list of types or subjects is one
 * parameter, a JSON array, so its length has no limit (one parameter per value
 * failed past SQLite's 32,766) and a store prepares at most four statements.
 */
function buildReadSql(query: ReadQuery): { sql: string; params: unknown[] } {
  const where = ["seq > ?"];
  const params: unknown[] = [query.after ?? 0];
  if (query.until !== undefined) {
    where.push("seq <= ?");
    params.push(query.until);
  }
  if (query.types !== undefined) {
    where.push("type IN (SELECT value FROM json_each(?))");
    params.push(JSON.stringify(query.types));
  }
  if (query.subjects !== undefined) {
    where.push("subject IN (SELECT value FROM json_each(?))");
    params.push(JSON.stringify(query.subjects));
  }
  params.push(query.limit ?? DEFAULT_READ_LIMIT);
  return { sql: `SELECT ${COLUMNS} FROM events WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`, params };
}

function toRow(event: PreparedEvent, seq: number): EventRow {
  return {
    seq,
    id: event.id,
    type: event.type,
    v: event.v,
    at: event.at,
    actor: event.actor,
    subject: event.subject,
    data: payloadJsonOf(event),
    caused_by: event.causedBy ?? null,
  };
}

function fromRow(row: EventRow): StoredEvent {
  const event = {
    seq: row.seq,
    id: row.id,
    type: row.type,
    v: row.v,
    at: row.at,
    actor: row.actor,
    subject: row.subject,
    data: JSON.parse(row.data) as unknown,
  };
  return row.caused_by === null ? event : { ...event, causedBy: row.caused_by };
}

/**
 * A check that the database file a writable store opened (`file`, its real
 * path, undefined for one in memory or read-only) is still the file at that
 * path: a store whose folder was deleted (and perhaps made again), or whose
 * file was replaced (a backup moved into place), would go on reading and
 * writing the file it holds open, which no other process sees, and every
 * write it acknowledged would be lost. The check throws a `StoreError`
 * naming the path and what to do; it costs one `stat`.
 */
function movedFileCheck(path: string, file: string | undefined): () => void {
  if (file === undefined) return () => undefined;
  const opened = statSync(file);
  return () => {
    const now = statSync(file, { throwIfNoEntry: false });
    if (now !== undefined && now.dev === opened.dev && now.ino === opened.ino) return;
    const what = now === undefined ? "was removed" : "was replaced by another file";
    throw new StoreError({
      message: `the event store at ${path} ${what} after this process opened it, so other processes no longer see what it reads and writes; nothing was written: close the factory and open it again (restart a server) to use what is at ${path} now`,
    });
  };
}

function guard<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof Error && "_tag" in error) throw error;
    const code = (error as { code?: string }).code;
    const hint = code === "SQLITE_BUSY" ? " (another process held the write lock past the busy timeout)" : "";
    throw new StoreError({ message: `event store ${path} failed: ${messageOf(error)}${hint}`, cause: error });
  }
}
