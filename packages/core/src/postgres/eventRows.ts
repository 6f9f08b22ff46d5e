/**
 * The events table's rows: the columns a read selects, the SQL of a read
 * query, and a row as a stored event.
 *
 * @module
 */
import { DEFAULT_READ_LIMIT, type ReadQuery, type StoredEvent } from "../EventStore.js";
import { ValidationError } from "../errors.js";
import { EVENT_COLUMNS } from "../internal/storeTables.js";

/** A row of the events table as the driver gives it (`seq` as text: a bigint). */
export interface EventRow {
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

/** The columns of the events table a read selects, in {@link EventRow}'s order. */
export const COLUMNS = EVENT_COLUMNS.join(", ");

/** The largest and smallest bigint, the bounds of the seq column. */
const MAX_POSITION = "9223372036854775807";
const MIN_POSITION = "-9223372036854775808";

/**
 * A position of a read query as a bigint parameter that selects the same
 * events as the SQLite store, which compares seq with any number: seqs are
 * whole, so `seq > p` and `seq <= p` hold for `floor(p)` as for `p` (1.5 is 1),
 * a number past bigint's range (or infinite) is its bound, and NaN (compared as
 * NULL by SQLite) selects nothing, as `ifNaN` does.
 */
function positionParam(position: number, ifNaN: string): number | string {
  if (Number.isNaN(position)) return ifNaN;
  const whole = Math.floor(position);
  if (whole >= Number(MAX_POSITION)) return MAX_POSITION;
  if (whole <= Number(MIN_POSITION)) return MIN_POSITION;
  return whole;
}

/**
 * The values of a read's type or subject filter that a text column can hold:
 * those without a NUL character, which PostgreSQL refuses as a parameter
 * (`invalid byte sequence for encoding "UTF8": 0x00`). No event holds one
 * (the store refuses it on append), so they match nothing, as on SQLite.
 */
function storableText(values: readonly string[]): string[] {
  return values.filter((value) => !value.includes("\0"));
}

/** The SQL and parameters of a read query over the events table. */
export function buildReadSql(query: ReadQuery): { sql: string; params: unknown[] } {
  const limit = query.limit ?? DEFAULT_READ_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ValidationError({
      message: `read query is invalid: limit: expected a non-negative integer, got ${String(limit)}`,
      issues: [{ path: "limit", message: "expected a non-negative integer" }],
    });
  }
  const params: unknown[] = [positionParam(query.after ?? 0, MAX_POSITION)];
  const where = ["seq > $1"];
  if (query.until !== undefined) {
    params.push(positionParam(query.until, MIN_POSITION));
    where.push(`seq <= $${params.length}`);
  }
  if (query.types !== undefined) {
    params.push(storableText(query.types));
    where.push(`type = ANY($${params.length}::text[])`);
  }
  if (query.subjects !== undefined) {
    params.push(storableText(query.subjects));
    where.push(`subject = ANY($${params.length}::text[])`);
  }
  params.push(limit);
  return {
    sql: `SELECT ${COLUMNS} FROM events WHERE ${where.join(" AND ")} ORDER BY seq LIMIT $${params.length}`,
    params,
  };
}

/** A row of the events table as a stored event. */
export function fromRow(row: EventRow): StoredEvent {
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
