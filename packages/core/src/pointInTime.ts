/**
 * Points in time as people type them at a boundary (`--since 30d`, a tool's
 * `since: "2026-03-01"`): one reading for the CLI and the MCP server.
 *
 * @module
 */
import { z } from "zod";

const SPAN = /^(\d{1,6})([hdw])$/;
const HOURS = { h: 1, d: 24, w: 24 * 7 } as const;

/** An ISO instant with its offset, with seconds (and fractions) or to the minute, as people type one. */
const INSTANT = z.union([z.iso.datetime({ offset: true }), z.iso.datetime({ offset: true, precision: -1 })]);

/**
 * The instant a point in time names: an ISO date (`2026-03-01`, midnight
 * UTC), an ISO instant with its offset (`2026-03-01T09:00:00Z`,
 * `2026-03-01T09:00:00+02:00`, or to the minute: `2026-03-01T09:00Z`), or a
 * span back from `now` in hours, days or weeks (`12h`, `30d`, `2w`);
 * `undefined` for anything else.
 *
 * @example
 * ```ts
 * instantOf("2026-03-01"); // 2026-03-01T00:00:00.000Z
 * instantOf("30d", Date.parse("2026-03-31T00:00:00Z")); // 2026-03-01T00:00:00.000Z
 * instantOf("last week"); // undefined
 * ```
 */
export function instantOf(value: string, now: number = Date.now()): Date | undefined {
  const span = SPAN.exec(value);
  if (span !== null) {
    const hours = HOURS[span[2] as keyof typeof HOURS];
    return new Date(now - Number(span[1]) * hours * 3_600_000);
  }
  return isoInstantOf(value);
}

/**
 * The instant an ISO date (midnight UTC) or an ISO instant with its offset
 * names; `undefined` for anything else, a date and time naming no zone among
 * them (which `new Date` would read in the machine's zone).
 */
export function isoInstantOf(value: string): Date | undefined {
  const date = z.iso.date().safeParse(value);
  if (date.success) return new Date(`${date.data}T00:00:00.000Z`);
  const instant = INSTANT.safeParse(value);
  return instant.success ? new Date(instant.data) : undefined;
}

/** What {@link PointInTimeSchema} says when a value names no point in time. */
export const POINT_IN_TIME_EXPECTED =
  "expected an ISO date (2026-03-01), an instant (2026-03-01T09:00:00Z) or a span back from now (30d, 12h, 2w)";

/**
 * A point in time as a string (see {@link instantOf}), read into a `Date`
 * when parsed; spans count back from the moment of parsing.
 */
export const PointInTimeSchema = z.string().transform((value, ctx) => {
  const instant = instantOf(value.trim());
  if (instant !== undefined) return instant;
  ctx.addIssue({ code: "custom", message: POINT_IN_TIME_EXPECTED });
  return z.NEVER;
});
