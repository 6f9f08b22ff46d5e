/**
 * Parsing of flag values that carry numbers or enums, with zod, into
 * {@link UsageError}s that name the flag.
 *
 * @module
 */
import { z } from "zod";
import { UsageError } from "./exitCodes.js";

/**
 * Parses one flag value with a schema.
 *
 * @throws UsageError naming the flag and what was wrong.
 */
export function parseFlag<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  flag: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new UsageError(`${flag}: ${issue?.message ?? "invalid value"} (got ${JSON.stringify(value)})`);
}

/** A positive whole number given on the command line. */
export const PositiveIntFlag = z
  .string()
  .regex(/^\d+$/, "must be a whole number")
  .transform(Number)
  .pipe(z.number().int().min(1, "must be at least 1"));

/** A date or date-time given on the command line (`2026-03-01`, `2026-03-01T09:00:00Z`), or a span back from now (`30d`, `12h`). */
export const SinceFlag = z.string().transform((value, ctx) => {
  const span = /^(\d+)([dhw])$/.exec(value);
  if (span !== null) {
    const hours = { h: 1, d: 24, w: 24 * 7 }[span[2] as "h" | "d" | "w"];
    return new Date(Date.now() - Number(span[1]) * hours * 3_600_000);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({
      code: "custom",
      message: "expected a date (2026-03-01) or a span such as 30d, 12h or 2w",
    });
    return z.NEVER;
  }
  return date;
});
