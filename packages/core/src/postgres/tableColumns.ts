/**
 * The columns the store reads and writes in a factory's schema, and the check
 * at open that they are all there.
 *
 * @module
 */
import type pg from "pg";
import { StoreError } from "../errors.js";

/** The columns of the events table, which the store reads and writes. */
export const EVENT_COLUMNS = [
  "seq",
  "id",
  "type",
  "v",
  "at",
  "actor",
  "subject",
  "data",
  "caused_by",
] as const;

/** The columns each table of a factory's schema has, which the store reads and writes. */
const COLUMNS: Readonly<Record<string, readonly string[]>> = {
  events: EVENT_COLUMNS,
  idempotency: ["key", "request_hash", "first_seq", "count"],
};

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
    [schema, Object.keys(COLUMNS)],
  );
  const missing = Object.entries(COLUMNS).flatMap(([table, columns]) => {
    const found = new Set(rows.filter((row) => row.table === table).map((row) => row.column));
    if (found.size === 0) return [`it has no ${table} table`];
    const lacking = columns.filter((column) => !found.has(column));
    return lacking.length === 0
      ? []
      : [`its ${table} table lacks the column${lacking.length === 1 ? "" : "s"} ${lacking.join(", ")}`];
  });
  if (missing.length === 0) return;
  throw new StoreError({
    message: `cannot open the event store at ${target} in schema "${schema}"${opening}: ${missing.join("; ")}, which a factory schema at schema version ${version} has: it was damaged or made by hand; restore it from a copy (pg_restore), or give the factory a new schema with ?schema=<name> in the URL (or the schema option)`,
  });
}
