/**
 * The embedded SQLite event store (native: better-sqlite3). Kept behind this
 * subpath so the main entry of `@software-factory/core` loads no native code.
 *
 * @module
 */
export {
  openSqliteEventStore,
  SQLITE_SCHEMA_VERSION,
  type SqliteEventStoreOptions,
} from "./SqliteEventStore.js";
