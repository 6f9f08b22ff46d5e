/**
 * The check of `openKnowledgeBase`'s options, made once when a knowledge base
 * opens, before anything is read or written: a bad value, or an option it
 * does not have (`vectorIndex.efsearch`), is a `ValidationError` naming the
 * option and the value, never a failure at the first search or capture.
 *
 * @module
 */
import { validationErrorFromZod } from "@software-factory/core";
import { z } from "zod";
import { ChunkOptionsSchema } from "../chunking/chunkMarkdown.js";

/** A value as a message shows it: numbers as written (`NaN`, `Infinity`), anything else as JSON. */
const shown = (value: unknown) =>
  typeof value === "number" || typeof value === "function" ? String(value) : JSON.stringify(value);

/** A whole number of at least `min`. */
const wholeNumber = (min: number) =>
  z
    .number({ error: (issue) => `must be a whole number, got ${shown(issue.input)}` })
    .int({ error: (issue) => `must be a whole number, got ${shown(issue.input)}` })
    .min(min, { error: (issue) => `must be at least ${min}, got ${shown(issue.input)}` });

/** A finite number of 0 or more. */
const nonNegative = z
  .number({ error: (issue) => `must be a finite number, got ${shown(issue.input)}` })
  .min(0, { error: (issue) => `must be 0 or more, got ${shown(issue.input)}` });

/** A function (a method of an object given as an option). */
const callable = z.custom<(...args: never[]) => unknown>((value) => typeof value === "function", {
  error: (issue) => `must be a function, got ${shown(issue.input)}`,
});

/** An object of the options in `shape` only: another key is refused, listing the options. */
const optionsOf = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown option; the options are ${Object.keys(shape).join(", ")}`
        : undefined,
  });

/** The options of `openKnowledgeBase`, as they are checked when it opens. */
export const OpenOptionsSchema = optionsOf({
  log: z.custom((value) => typeof (value as { append?: unknown } | null)?.append === "function", {
    error: "must be an event log (as openEventLog returns)",
  }),
  dir: z.string().min(1, "must not be empty").optional(),
  embedder: z
    .object({
      id: z.string().min(1, "must not be empty"),
      dimension: wholeNumber(1),
      semantic: z.boolean(),
      embed: callable,
    })
    .optional(),
  chunking: optionsOf(ChunkOptionsSchema.shape).optional(),
  vectorIndex: optionsOf({
    m: wholeNumber(2).optional(),
    efConstruction: wholeNumber(1).optional(),
    efSearch: wholeNumber(1).optional(),
    buildThreads: wholeNumber(1).optional(),
    parallelBuildMin: wholeNumber(0).optional(),
  }).optional(),
  fusion: optionsOf({
    lexicalWeight: nonNegative.optional(),
    vectorWeight: nonNegative.optional(),
    k: nonNegative.optional(),
    mode: z.enum(["rrf", "extend", "lexical"]).optional(),
  }).optional(),
  lines: z.object({ hasLine: callable, refresh: callable.optional() }).optional(),
  checkpointEvery: wholeNumber(1).optional(),
  load: z.enum(["open", "first-use"]).optional(),
  saveCaches: z.boolean({ error: (issue) => `must be true or false, got ${shown(issue.input)}` }).optional(),
});

/**
 * Checks the options of `openKnowledgeBase`; an unknown option is named by its
 * own path (`vectorIndex.efsearch`), with the options its object has.
 *
 * @throws ValidationError (`knowledge base options is invalid: ...`) naming each bad option and its value.
 */
export function checkOpenOptions(options: unknown): void {
  const result = OpenOptionsSchema.safeParse(options);
  if (result.success) return;
  const issues = result.error.issues.flatMap((issue): z.core.$ZodIssue[] =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ ...issue, path: [...issue.path, key] }))
      : [issue],
  );
  throw validationErrorFromZod(issues, { subject: "knowledge base options" });
}
