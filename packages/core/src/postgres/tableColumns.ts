/**
 * The check at open that a factory's schema has every table and column the
 * store reads and writes (see `internal/storeTables.ts`).
 *
 * @module
 */
import type pg from "pg";
import { StoreError } from "../errors.js";
import { missingColumns, STORE_TABLES } from "../internal/storeTables.js";

/**
 * Throws when a schema at the current schema version lacks a table or a
 * column the store uses (a damaged or hand-made schema), naming the table and
 * the columns, rather than let the first statement fail with PostgreSQL's
 * `column "data" does not exist`. Runs one `SELECT` of the catalog: what a
 * read-only open may do. The catalog (`pg_attribute`), not
 * `information_schema.columns`, which hides the columns of a table the role
 * holds no privilege on, so a reader granted `SELECT` on `events` alone is
 * not told its `idempotency` table is missing.
 *
 * @param version the schema version the tables were found at, for the message.
 * @param opening how the store was being opened, for the message: `""` or `" read-only"`.
 * @throws StoreError naming the server, the schema, and each table at fault.
 */
export async function refuseMissingColumns(
  client: pg.ClientBase,
  schema: string,
  target: string,
  version: number,
  opening: "" | " read-only",
): Promise<void> {
  const { rows } = await client.query<{ table: string; column: string }>(
    `SELECT c.relname AS table, a.attname AS column
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[])`,
    [schema, Object.keys(STORE_TABLES)],
  );
  const missing = missingColumns(
    (table) => new Set(rows.filter((row) => row.table === table).map((row) => row.column)),
  );
  if (missing.length === 0) return;
  throw new StoreError({
    message: `cannot open the event store at ${target} in schema "${schema}"${opening}: ${missing.join("; ")}, which a factory schema at schema version ${version} has: it was damaged or made by hand; restore it from a copy (pg_restore), or give the factory a new schema with ?schema=<name> in the URL (or the schema option)`,
  });
}
