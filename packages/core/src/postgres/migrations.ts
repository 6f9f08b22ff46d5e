import type pg from "pg";
import { SchemaVersionError } from "../errors.js";

/** Advisory lock class (`pg_advisory_xact_lock(class, key)`) taken while migrating a schema. */
export const MIGRATION_LOCK_CLASS = 0x46414d31; // "FAM1"
/** Advisory lock class taken by every append; the key is the schema's hash. */
export const APPEND_LOCK_CLASS = 0x46414131; // "FAA1"

/** Forward migrations of the PostgreSQL event store, in order; never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     seq BIGINT PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     v INTEGER NOT NULL,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     subject TEXT NOT NULL,
     data JSON NOT NULL,
     caused_by TEXT
   );
   CREATE INDEX events_type_seq ON events (type, seq);
   CREATE INDEX events_subject_seq ON events (subject, seq);
   CREATE TABLE idempotency (
     key TEXT PRIMARY KEY,
     request_hash TEXT,
     first_seq BIGINT NOT NULL,
     count INTEGER NOT NULL
   );`,
];

/** The newest schema version this code knows. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Creates the schema when asked to and brings it up to {@link POSTGRES_SCHEMA_VERSION},
 * in one transaction under an advisory lock, so processes opening a new
 * database at once migrate it once. Returns the schema the tables live in.
 *
 * @throws SchemaVersionError when the schema is newer than this code.
 */
export async function migrate(
  client: pg.ClientBase,
  schema: string | undefined,
  target: string,
): Promise<string> {
  await client.query("BEGIN");
  try {
    if (schema !== undefined) {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [MIGRATION_LOCK_CLASS, schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    }
    const current = await currentSchema(client);
    if (schema === undefined) {
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [MIGRATION_LOCK_CLASS, current]);
    }
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    );
    const { rows } = await client.query<{ version: number | null }>(
      "SELECT MAX(version) AS version FROM schema_version",
    );
    const found = rows[0]?.version ?? 0;
    if (found > POSTGRES_SCHEMA_VERSION) {
      throw new SchemaVersionError({
        message: `PostgreSQL schema "${current}" at ${target} has schema version ${found}, newer than the ${POSTGRES_SCHEMA_VERSION} this SDK supports; upgrade @software-factory/core`,
        found,
        supported: POSTGRES_SCHEMA_VERSION,
      });
    }
    for (let version = found + 1; version <= POSTGRES_SCHEMA_VERSION; version++) {
      await client.query(MIGRATIONS[version - 1] ?? "");
      await client.query("INSERT INTO schema_version (version) VALUES ($1)", [version]);
    }
    await client.query("COMMIT");
    return current;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

async function currentSchema(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ schema: string | null }>("SELECT current_schema() AS schema");
  const schema = rows[0]?.schema ?? null;
  if (schema === null) {
    throw new Error("no schema of the connection's search_path exists; give the store a schema option");
  }
  return schema;
}
