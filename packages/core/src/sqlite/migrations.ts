import type Database from "better-sqlite3";
import { SchemaVersionError } from "../errors.js";
import { missingColumns } from "../internal/storeTables.js";

/** Forward migrations of the SQLite event store, in order; never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     v INTEGER NOT NULL,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     subject TEXT NOT NULL,
     data TEXT NOT NULL,
     caused_by TEXT
   );
   CREATE INDEX events_type_seq ON events (type, seq);
   CREATE INDEX events_subject_seq ON events (subject, seq);
   CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     request_hash TEXT,
     first_seq INTEGER NOT NULL,
     count INTEGER NOT NULL
   );`,
];

/** The newest schema version this code knows. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Throws when a database at the current schema version lacks a table or a
 * column the store uses (a damaged or hand-made database), naming the table
 * and the columns, rather than let the first statement fail with SQLite's
 * `no such column`.
 */
function refuseMissingColumns(db: Database.Database): void {
  const missing = missingColumns(
    (table) =>
      new Set(
        db
          .prepare<[string], { name: string }>("SELECT name FROM pragma_table_info(?)")
          .all(table)
          .map((row) => row.name),
      ),
  );
  if (missing.length > 0)
    throw new Error(
      `${missing.join("; ")}, which a factory database at schema version ${SQLITE_SCHEMA_VERSION} has: it was damaged or made by hand; restore it from a copy, or give the path of a new file`,
    );
}

/**
 * Throws when the database holds tables but no schema version: it belongs to
 * something else, and migrating would add the log's tables beside its own.
 */
function refuseForeignDatabase(db: Database.Database): void {
  const tables = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all()
    .map((row) => row.name);
  if (tables.length === 0 || tables.includes("schema_version")) return;
  const shown = tables.slice(0, 5).join(", ") + (tables.length > 5 ? `, and ${tables.length - 5} more` : "");
  throw new Error(
    `it is a SQLite database but not a factory's: it holds tables (${shown}) and no schema_version; give the path of a factory database or of a new file`,
  );
}

/** The schema version a database holds (0 when it has none). */
function schemaVersion(db: Database.Database): number {
  const row = db
    .prepare<[], { version: number | null }>("SELECT MAX(version) AS version FROM schema_version")
    .get();
  return row?.version ?? 0;
}

/** The refusal of a database newer than this code. */
function newerSchema(path: string, found: number): SchemaVersionError {
  return new SchemaVersionError({
    message: `${path} has schema version ${found}, newer than the ${SQLITE_SCHEMA_VERSION} this SDK supports; upgrade @software-factory/core`,
    found,
    supported: SQLITE_SCHEMA_VERSION,
  });
}

/**
 * Checks, writing nothing, that a database opened read-only is a factory's
 * log this code reads as it is: one that needs a migration cannot have it,
 * and one that lacks a table or column of its schema version is refused.
 *
 * @throws SchemaVersionError when the file is newer than this code.
 */
export function checkSchema(db: Database.Database, path: string): void {
  refuseForeignDatabase(db);
  const hasVersions = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'")
    .get();
  const current = hasVersions === undefined ? 0 : schemaVersion(db);
  if (current > SQLITE_SCHEMA_VERSION) throw newerSchema(path, current);
  if (current === 0)
    throw new Error(
      "it holds no factory log yet, and a read-only file cannot be set up as one; create the factory where it can be written",
    );
  if (current < SQLITE_SCHEMA_VERSION)
    throw new Error(
      `it has schema version ${current}, older than the ${SQLITE_SCHEMA_VERSION} this SDK reads, and a read-only file cannot be upgraded; open it once where it can be written`,
    );
  refuseMissingColumns(db);
}

/**
 * Brings a database up to {@link SQLITE_SCHEMA_VERSION}, in one immediate
 * transaction so two processes opening a new file at once migrate it once,
 * then checks it has every table and column of that version.
 *
 * @throws SchemaVersionError when the file is newer than this code.
 */
export function migrate(db: Database.Database, path: string): void {
  db.transaction(() => {
    refuseForeignDatabase(db);
    db.exec(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    );
    const current = schemaVersion(db);
    if (current > SQLITE_SCHEMA_VERSION) throw newerSchema(path, current);
    const record = db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)");
    for (let version = current + 1; version <= SQLITE_SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version - 1] ?? "");
      record.run(version, new Date().toISOString());
    }
    refuseMissingColumns(db);
  }).immediate();
}
