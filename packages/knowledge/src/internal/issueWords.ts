/**
 * The knowledge base's words for a value out of its limits, in place of
 * zod's (`Too big: expected string to have <=500 characters`): what the
 * value is, then the limit (`is 250,000 characters; at most 200,000`), as a
 * user reads it after the field's name.
 *
 * @module
 */
import type { z } from "zod";

/** A count as a user reads it: `250,000`. */
const count = (value: number | bigint): string => value.toLocaleString("en");

/**
 * An error map for `safeParse(value, { error: inUserWords })`: says a
 * string's length, a list's length or a number against its limit; any other
 * issue keeps zod's words, and a schema's own message always wins.
 *
 * @example
 * ```ts
 * z.object({ body: z.string().max(200_000) }).safeParse({ body: "x".repeat(250_000) }, { error: inUserWords });
 * // issue at body: "is 250,000 characters; at most 200,000"
 * ```
 */
export const inUserWords = (issue: z.core.$ZodRawIssue): string | undefined => {
  if (issue.code === "too_big")
    return outOfLimit(issue.input, issue.maximum, issue.inclusive, "at most", "below");
  if (issue.code === "too_small") {
    if (
      issue.minimum === 1 &&
      issue.inclusive !== false &&
      (typeof issue.input === "string" || Array.isArray(issue.input))
    )
      return typeof issue.input === "string" ? "must not be empty" : "must list at least one";
    return outOfLimit(issue.input, issue.minimum, issue.inclusive, "at least", "above");
  }
  return undefined;
};

/** `is 250,000 characters; at most 200,000`, `has 101 items; at most 100`, `is 0; at least 1`; `undefined` for other values. */
function outOfLimit(
  input: unknown,
  limit: number | bigint,
  inclusive: boolean | undefined,
  within: "at most" | "at least",
  beyond: "below" | "above",
): string | undefined {
  const bound = inclusive === false ? `must be ${beyond} ${count(limit)}` : `${within} ${count(limit)}`;
  if (typeof input === "string") return `is ${count(input.length)} characters; ${bound}`;
  if (Array.isArray(input)) return `has ${count(input.length)} items; ${bound}`;
  if (typeof input === "number" && Number.isFinite(input)) return `is ${count(input)}; ${bound}`;
  return undefined;
}
