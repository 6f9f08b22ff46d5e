/**
 * The tables and columns every store of the event log reads and writes (the
 * SQLite file and a PostgreSQL schema alike), and what a store that lacks
 * some is told, so the check at open says the same on both.
 *
 * @module
 */

/** The columns of the events table, which the stores read and write. */
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

/** The columns each table of a store has at the current schema version. */
export const STORE_TABLES: Readonly<Record<string, readonly string[]>> = {
  events: EVENT_COLUMNS,
  idempotency: ["key", "request_hash", "first_seq", "count"],
};

/**
 * What each table lacks, given the columns found of each (an empty set: the
 * table is not there): `it has no idempotency table`, `its events table lacks
 * the columns actor, caused_by`; empty when nothing is missing.
 */
export function missingColumns(columnsOf: (table: string) => ReadonlySet<string>): string[] {
  return Object.entries(STORE_TABLES).flatMap(([table, columns]) => {
    const found = columnsOf(table);
    if (found.size === 0) return [`it has no ${table} table`];
    const lacking = columns.filter((column) => !found.has(column));
    return lacking.length === 0
      ? []
      : [`its ${table} table lacks the column${lacking.length === 1 ? "" : "s"} ${lacking.join(", ")}`];
  });
}
