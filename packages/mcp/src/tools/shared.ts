/**
 * What the tool groups share: paging by cursor, the idempotency key of writes,
 * operator names, points in time, and the schema of a record returned as is.
 *
 * @module
 */
import { INPUT_LIMITS, OperatorIdSchema } from "@software-factory/core";
import { z } from "zod";

/** A page cursor: the `nextCursor` of the previous page (an offset). */
export const Cursor = z.string().regex(/^\d+$/, "cursor is the nextCursor of the previous page").optional();
/** The idempotency key a write accepts. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(INPUT_LIMITS.idempotencyKey)
  .optional()
  .describe("Makes a retried call write once: the same key returns the first call's record");
/**
 * Characters of a search query or a context pack's question: the most the
 * knowledge base's search takes (`factory search` and `factory context` pass
 * theirs to the same search).
 */
export const SEARCH_QUERY_MAX = 4000;
/** An operator's id, as the floor plan names operators. */
export const Operator = OperatorIdSchema;
/**
 * The instant a point in time names, as an ISO string: an ISO date
 * (`2026-03-01`, midnight UTC) or instant (`2026-03-01T09:00:00Z`), or a span
 * back from `now` (`30d`, `12h`, `2w`), as the CLI's `--since` reads them;
 * `undefined` for anything else.
 */
export function instantOf(value: string, now = Date.now()): string | undefined {
  const span = /^(\d{1,6})([hdw])$/.exec(value);
  if (span !== null) {
    const hours = { h: 1, d: 24, w: 24 * 7 }[span[2] as "h" | "d" | "w"];
    return new Date(now - Number(span[1]) * hours * 3_600_000).toISOString();
  }
  const date = z.iso.date().safeParse(value);
  if (date.success) return `${date.data}T00:00:00.000Z`;
  const instant = z.iso.datetime({ offset: true }).safeParse(value);
  return instant.success ? new Date(instant.data).toISOString() : undefined;
}
/** A point in time a tool takes: see {@link instantOf}. */
export const PointInTime = z
  .string()
  .refine((value) => instantOf(value) !== undefined, {
    message:
      "expected an ISO date (2026-03-01), an instant (2026-03-01T09:00:00Z) or a span back from now (30d, 12h, 2w)",
  })
  .describe("An ISO date or instant, or a span back from now: 30d, 12h, 2w");
/** A record returned as is (any object). */
export const Record = z.looseObject({});
/** The offset a cursor stands for (0 without one). */
export const offsetOf = (cursor: string | undefined) => (cursor === undefined ? 0 : Number(cursor));
/** One page of `all` from `cursor`, with the next cursor when more remain. */
export const page = <T>(all: readonly T[], cursor: string | undefined, limit: number) => {
  const start = offsetOf(cursor);
  const items = all.slice(start, start + limit);
  return { items, ...(start + limit < all.length ? { nextCursor: String(start + limit) } : {}) };
};
/** The options of a write carrying the idempotency key, when one was given. */
export const keyed = (idempotencyKey: string | undefined) =>
  idempotencyKey === undefined ? {} : { idempotencyKey };
/** The entries of a filter that were given (undefined ones dropped). */
export const given = <T extends object>(filter: T) =>
  Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
