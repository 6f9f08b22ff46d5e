/**
 * Opening a store's SQLite file: read-write (creating it and its folder,
 * switching it to WAL mode and migrating it to the schema this code writes)
 * or read-only (writing nothing, checking it needs no migration). Either way
 * a failure is a `StoreError` naming the file, or the `SchemaVersionError` of
 * a file written by a newer SDK.
 *
 * @module
 */
import { closeSync, openSync, readSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { SchemaVersionError, StoreError } from "../errors.js";
import { makeFolders } from "../makeFolders.js";
import { checkSchema, migrate } from "./migrations.js";
import { openReadOnlyDatabase } from "./readOnlyDatabase.js";
import type { SqliteEventStoreOptions } from "./SqliteEventStore.js";

/**
 * Opens (or creates, with its folder) the database file of a store for
 * writing: WAL mode, the busy timeout and durability of `options`, migrated
 * to the schema this code writes.
 *
 * @throws SchemaVersionError when the file was written by a newer SDK.
 * @throws StoreError when the file cannot be opened or is not a factory database.
 */
export function openDatabase(options: SqliteEventStoreOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    makeFolders(dirname(options.path));
    refuseOtherFile(options.path);
    db = new Database(options.path);
    const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000));
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    switchToWal(db, busyTimeoutMs);
    db.pragma(`synchronous = ${options.durability === "normal" ? "NORMAL" : "FULL"}`);
    migrate(db, options.path);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof SchemaVersionError) throw error;
    throw new StoreError({
      message: `cannot open the event store at ${options.path}: ${messageOf(error)}`,
      cause: error,
    });
  }
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = "SQLite format 3\0";

/**
 * Refuses a file that holds something other than a SQLite database. SQLite
 * refuses most such files itself ("file is not a database"), but takes a
 * one-byte file for an empty database and writes over it; an empty file is a
 * new database (`touch factory.db`).
 */
function refuseOtherFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return;
    throw error;
  }
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    if (read > 0 && header.toString("latin1", 0, read) !== SQLITE_HEADER)
      throw new Error("file is not a database");
  } finally {
    closeSync(fd);
  }
}

/** Longest pause between two tries of the switch to WAL, in ms. */
const WAL_RETRY_PAUSE_MS = 20;

/**
 * Puts the database in WAL mode, trying again while another process holds the
 * lock, up to `busyTimeoutMs`. The busy timeout alone does not cover it: on a
 * file still in rollback mode (new, or made by `touch`) the switch reads the
 * header, then asks for the write lock while holding its read lock, and SQLite
 * answers SQLITE_BUSY at once rather than wait, since two such processes would
 * wait on each other. Several processes opening one new file at once (`factory
 * init` fanned out) met it; the retry lets the other switch finish first.
 */
function switchToWal(db: Database.Database, busyTimeoutMs: number): void {
  const giveUpAt = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() >= giveUpAt) throw error;
      Atomics.wait(PAUSE, 0, 0, 1 + Math.floor(Math.random() * WAL_RETRY_PAUSE_MS));
    }
  }
}

/** What {@link switchToWal} waits on (never notified) to pause the thread between tries. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * Opens a store's file for reading only (see `openReadOnlyDatabase`), writing nothing.
 *
 * @throws SchemaVersionError when the file was written by a newer SDK.
 * @throws StoreError when the file does not exist, is not a factory database or needs a migration.
 */
export function openReadOnly(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = openReadOnlyDatabase(path);
    checkSchema(db, path);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof SchemaVersionError) throw error;
    throw new StoreError({
      message: `cannot open the event store at ${path} read-only: ${messageOf(error)}`,
      cause: error,
    });
  }
}

/** The message of an error thrown by better-sqlite3 or the checks of this module, for a `StoreError`. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
