/**
 * The arguments of a public method as plain JavaScript may pass them: each
 * checked against its schema before anything runs, so a wrong type is a
 * `ValidationError` naming the argument, not a `TypeError` from deep inside,
 * a `NotFoundError` for `line "42"` or an empty answer.
 *
 * @module
 */
import { validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";

/**
 * Checks each argument of a call of `subject` against its schema, throwing
 * the core's `ValidationError` whose issues' paths start with the argument's
 * name (`lineId`, `paths[0]`).
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

/** A string argument (an id, a `kind:id` node key, a relation type). */
export const Text = z.string();

/** An object argument (not null, not an array), described by `what` when it is not one. */
export const anObject = (what: string) =>
  z.custom<object>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    `must be ${what}`,
  );

/** A list of paths: any iterable (an array, a Set) but a string, whose items `linesForPaths` checks one by one. */
export const Paths = z.custom<Iterable<unknown>>(
  (value) => typeof value === "object" && value !== null && Symbol.iterator in value,
  "must be a list of repository paths (an array or another iterable of strings)",
);

/** A floor graph argument: a `FloorGraph` (a floor plan's `graph`, or what `buildFloorGraph` returns). */
export const aFloorGraph = z.custom<object>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { graph?: unknown }).graph === "object" &&
    typeof (value as { lines?: unknown }).lines === "function" &&
    typeof (value as { dependencyList?: unknown }).dependencyList === "function",
  "must be a floor graph (a floor plan's graph, or buildFloorGraph's result)",
);
