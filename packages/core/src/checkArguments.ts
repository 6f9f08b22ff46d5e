/**
 * The arguments of a public function or method as plain JavaScript may pass
 * them: each checked against its schema before anything runs, so a wrong type
 * is a `ValidationError` naming the argument, not a `TypeError` from deep
 * inside, a `NotFoundError` for the id `null` or an empty answer.
 *
 * @module
 */
import { z } from "zod";
import { validationErrorFromZod } from "./errors.js";

/**
 * Checks each argument of a call of `subject` against its schema, throwing a
 * `ValidationError` whose issues' paths start with the argument's name
 * (`id`, `options`, `options.limit`), every bad argument at once.
 *
 * @throws ValidationError when an argument does not match its schema.
 * @example
 * ```ts
 * checkArguments("advance", { id: [z.string(), id], options: [anObject("move options").optional(), options] });
 * // advance(null): 'a call of advance is invalid: id: must be a string, not null'
 * ```
 */
export function checkArguments(
  subject: string,
  args: Readonly<Record<string, readonly [z.ZodType, unknown]>>,
): void {
  const issues: z.core.$ZodIssue[] = [];
  for (const [name, [schema, value]] of Object.entries(args)) {
    const result = schema.safeParse(value);
    if (!result.success)
      issues.push(...result.error.issues.map((issue) => ({ ...issue, path: [name, ...issue.path] })));
  }
  if (issues.length > 0) throw validationErrorFromZod(issues, { subject: `a call of ${subject}` });
}

/**
 * An object argument (not null, not an array), described by `what` when it is
 * not one; its fields are left to the argument's own schema.
 */
export const anObject = (what: string): z.ZodType<object> =>
  z.custom<object>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    `must be ${what}`,
  );

/** A function argument (a listener, a handler). */
export const aFunction: z.ZodType<(...args: never[]) => unknown> = z.custom<(...args: never[]) => unknown>(
  (value) => typeof value === "function",
  "must be a function",
);

/** An object with these methods (an event log: `append`, `read`), described by `what` when it is not one. */
export const withMethods = (what: string, ...methods: readonly string[]): z.ZodType<object> =>
  z.custom<object>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function"),
    `must be ${what}`,
  );
