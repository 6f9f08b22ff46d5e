/**
 * What the tool groups share: paging by cursor, the idempotency key of writes,
 * operator names and points in time (one grammar for every `asOf`, `since`,
 * `until`, `capturedAt` and `validFrom`).
 *
 * @module
 */
import {
  countAppended,
  formatIssues,
  INPUT_LIMITS,
  instantOf,
  OperatorIdSchema,
  POINT_IN_TIME_EXPECTED,
  ValidationError,
} from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { z } from "zod";

/**
 * A page cursor of at most `max`: the `nextCursor` of the previous page (an
 * offset). A larger one is refused here, naming the cursor, rather than as an
 * out-of-range offset the caller never gave.
 */
export const cursorUpTo = (max: number) =>
  z
    .string()
    // A cursor that is not a number is refused once, not also as past the last page.
    .regex(/^\d+$/, { message: "cursor is the nextCursor of the previous page", abort: true })
    .refine((cursor) => Number(cursor) <= max, `cursor is past the last page (at most ${max})`)
    .optional()
    .describe("The previous page's nextCursor; omit for the first page");
/** A page cursor: the `nextCursor` of the previous page (an offset). */
export const Cursor = cursorUpTo(Number.MAX_SAFE_INTEGER);
/**
 * Text that holds more than whitespace, trimmed, of at most `max` characters
 * once trimmed: an empty or blank one is refused as such, where zod's `min(1)`
 * after `trim()` says `expected string to have >=1 characters` of `"   "`.
 */
export const filledText = (max?: number) => {
  const text = z.string().trim().min(1, "must not be blank (it is empty or only whitespace)");
  return max === undefined ? text : text.max(max);
};
/** The idempotency key a write accepts. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(INPUT_LIMITS.idempotencyKey)
  .optional()
  .describe("The same key again writes nothing and answers the first call's record");
/**
 * Characters of a search query or a context pack's question: the most the
 * knowledge base's search takes (`factory search` and `factory context` pass
 * theirs to the same search).
 */
export const SEARCH_QUERY_MAX = 4000;
/**
 * Characters of a knowledge document's markdown a tool writes: the body of
 * `capture_knowledge`, and the text fields of `record_decision` together
 * (which become the decision's body).
 */
export const KNOWLEDGE_BODY_MAX = 200_000;
/**
 * Characters of an id a tool looks up (a line, work item, document, signal,
 * stage, rule or skill): a longer one names nothing the factory has, and the
 * refusal that quotes it would hand it back whole.
 */
export const ID_MAX = 200;
/** Characters of a repository path a tool takes (Linux's PATH_MAX). */
export const PATH_MAX = 4096;
/** An operator's id, as the floor plan names operators. */
export const Operator = OperatorIdSchema;
/** A point in time a tool takes, as the core's `instantOf` reads it (the CLI's `--since` too). */
export const PointInTime = z
  .string()
  .refine((value) => instantOf(value) !== undefined, { message: POINT_IN_TIME_EXPECTED })
  .describe("An ISO date or instant, or a span back from now: 30d, 12h, 2w");
/**
 * The ISO instant a {@link PointInTime} names, a span (`30d`) counted back
 * from the factory's clock, as the knowledge base and the importers take it.
 */
export const instantAt = (factory: Factory, value: string): string =>
  (instantOf(value, factory.log.clock.now().getTime()) as Date).toISOString();
/** The offset a cursor stands for (0 without one). */
export const offsetOf = (cursor: string | undefined) => (cursor === undefined ? 0 : Number(cursor));
/**
 * The refusal of a cursor at or past the end of what `tool` pages through (an
 * invalid cursor is an error in MCP's pagination, not an empty page): no page
 * gave it, or the list shrank since, and the pages from it would skip items.
 * `count` says how many there are now, when known.
 */
export function pastTheLastPage(tool: string, cursor: string, count?: number): ValidationError {
  const there = count === undefined ? "" : ` (${count} match now)`;
  const message = `"${cursor}" is past the last page${there}: pass the nextCursor of the previous page, or no cursor for the first page`;
  const issue = { path: "cursor", message };
  return new ValidationError({ message: formatIssues(`${tool} input`, [issue]), issues: [issue] });
}
/**
 * One page of `all` from `cursor`, with the next cursor when more remain.
 *
 * @throws ValidationError naming `cursor` when it is at or past the end of `all` ({@link pastTheLastPage}).
 */
export const page = <T>(tool: string, all: readonly T[], cursor: string | undefined, limit: number) => {
  const start = offsetOf(cursor);
  if (cursor !== undefined && start > 0 && start >= all.length)
    throw pastTheLastPage(tool, cursor, all.length);
  const items = all.slice(start, start + limit);
  return { items, ...(start + limit < all.length ? { nextCursor: String(start + limit) } : {}) };
};
/** The options of a write carrying the idempotency key, when one was given. */
export const keyed = (idempotencyKey: string | undefined) =>
  idempotencyKey === undefined ? {} : { idempotencyKey };
/**
 * Runs `write`, an SDK write given `idempotencyKey`, and says whether it was
 * a retry: a key already used answers the first write and appends nothing
 * (counted by core's `countAppended`, so another writer's events do not count),
 * as the CLI's `signal capture`, `deployment record` and `incident open` tell.
 */
export async function keyedWrite<T>(
  idempotencyKey: string | undefined,
  write: () => Promise<T>,
): Promise<{ readonly result: T; readonly retried: boolean }> {
  const { result, appended } = await countAppended(write);
  return { result, retried: idempotencyKey !== undefined && appended === 0 };
}
/**
 * The output field saying a keyed write was a retry: its idempotencyKey was
 * used before, nothing was written and the first call's record is answered.
 * Undescribed, as tools/list is kept small (docs/mcp.md and the retry's text
 * content say what it means).
 */
export const Retried = z.boolean();
/**
 * The text content of a keyed write's answer: its JSON, after a sentence for
 * a retry (`already captured sig_1: its idempotencyKey was used for it before
 * (nothing written)`), what an agent retrying after a timeout reads.
 */
export const retriedText = (retried: boolean, done: string, answer: object): string => {
  const json = JSON.stringify(answer);
  return retried
    ? `already ${done}: its idempotencyKey was used for it before (nothing written)\n${json}`
    : json;
};
/** The entries of a filter that were given (undefined ones dropped). */
export const given = <T extends object>(filter: T) =>
  Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
