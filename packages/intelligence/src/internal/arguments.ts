/**
 * The arguments of a public function as plain JavaScript may pass them: each
 * checked against its schema before anything runs, so a wrong type is a
 * `ValidationError` naming the argument, not a `TypeError` from deep inside.
 *
 * @module
 */
import { validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";

/**
 * Checks each argument of a call of `subject` against its schema, throwing
 * the core's `ValidationError` whose issues' paths start with the argument's
 * name (`operator`, `rules[0]`, `options.limit`).
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

/** A string argument. */
export const Text = z.string();

/** An array of strings argument. */
export const Texts = z.array(z.string());

/** An object argument (not null, not an array), described by `what` when it is not one. */
export const anObject = (what: string) =>
  z.custom<object>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    `must be ${what}`,
  );

/** An object with these methods (an event log: `append`, `read`), described by `what` when it is not one. */
export const withMethods = (what: string, ...methods: readonly string[]) =>
  z.custom<object>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === "function"),
    `must be ${what}`,
  );

/** A function argument or option. */
export const aFunction = z.custom<(...args: never[]) => unknown>(
  (value) => typeof value === "function",
  "must be a function",
);

/** A factory argument: an object whose `standards` can be added to, as `openFactory` gives. */
export const aFactory = z.custom<object>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { standards?: { add?: unknown } }).standards?.add === "function",
  "must be a factory (openFactory's result)",
);

/** A standards argument: what `factory.standards` is. */
export const aStandards = withMethods(
  "the factory's standards (factory.standards)",
  "check",
  "rule",
  "linesOf",
);

/** A skill's SKILL.md parts, as `formatSkillMd` and `exportSkill` read them. */
export const aSkillMd = anObject("a skill (name, description, instructions)").pipe(
  z.looseObject({ instructions: z.string(), files: Texts.optional(), dir: Text.optional() }),
);

/** An instruction skill with its folder's files, as `readSkillFile` reads it. */
export const aSkillWithFiles = anObject("an instruction skill (loadSkillFolder's result)").pipe(
  z.looseObject({ files: Texts, dir: Text.optional() }),
);
