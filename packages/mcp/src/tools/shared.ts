/**
 * What the tool groups share: paging by cursor, the idempotency key of writes,
 * operator names, and the schema of a record returned as is.
 *
 * @module
 */
import { z } from "zod";

/** A page cursor: the `nextCursor` of the previous page (an offset). */
export const Cursor = z.string().regex(/^\d+$/, "cursor is the nextCursor of the previous page").optional();
/** The idempotency key a write accepts. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe("Makes a retried call write once: the same key returns the first call's record");
/** An operator's name. */
export const Operator = z.string().min(1).max(120);
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
