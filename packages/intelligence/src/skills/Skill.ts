/**
 * Runnable skills: typed handlers that specialists encode once and every line
 * reuses. A {@link SkillRegistry} runs them and records each run in the log,
 * so their use can be measured.
 *
 * @module
 */

import { anObject, checkArguments, type ModelProvider, validationErrorFromZod } from "@software-factory/core";
import type * as Effect from "effect/Effect";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";

/** What a skill's handler gets besides its input. */
export interface SkillContext<Services> {
  /** The factory's services (the `Factory` when run through `openFactory`). */
  readonly services: Services;
  /** Who runs the skill (`undefined`: the factory's own actor). */
  readonly actor: string | undefined;
  /**
   * Aborts when the caller cancels the run (the `signal` of
   * `skills.run`; never, for a run given none). A Promise handler stops only
   * if it heeds it: pass it on (to a model's `chat`, to `fetch`) or check it
   * between steps (`signal.throwIfAborted()`). An Effect handler need not: its
   * Effect is interrupted.
   */
  readonly signal: AbortSignal;
  /**
   * The factory's model provider.
   *
   * @throws ModelNotConfiguredError when the factory has none (declare `requires: ["model"]`
   * so the registry refuses the run before the handler starts).
   */
  model(): ModelProvider;
}

/** Something a skill needs from the factory besides its services: `model`, a configured model provider. */
export type SkillRequirement = "model";

/** A skill with a typed input, output and handler (a Promise or an Effect). */
export interface Skill<
  Input extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
  Services = unknown,
> {
  /** Unique name: lowercase words joined by single hyphens (`summarize-line`), at most 64 characters. */
  readonly name: string;
  /** What the skill does, in one sentence (listed to people and models). */
  readonly description: string;
  /** Schema of the input; a run with input it refuses fails with a `ValidationError` before the handler starts. */
  readonly input: Input;
  /** Schema of the handler's result; a result it refuses fails the run with a `ValidationError`. */
  readonly output: Output;
  /** Who encoded it (a factory operator): `skills.usage` counts its runs for them, and each run records it. */
  readonly author?: string;
  /** Instructions for a model, when the skill also exists as a SKILL.md. */
  readonly instructions?: string;
  /** What the skill needs to run (`["model"]`); a run without it fails with `ModelNotConfiguredError`. */
  readonly requires?: readonly SkillRequirement[];
  /**
   * The handler: the parsed input and a {@link SkillContext} in, the output
   * out (a Promise or an Effect). Whatever it fails with reaches the caller as
   * a {@link SkillFailedError}, except the SDK's own typed errors, which pass as they are.
   */
  readonly run: (
    input: z.output<Input>,
    context: SkillContext<Services>,
  ) => Promise<z.input<Output>> | Effect.Effect<z.input<Output>, unknown>;
}

const SkillNameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    "must be lowercase words joined by single hyphens, as in summarize-line",
  );

/** A zod schema, as a skill's `input` and `output` are. */
const ZodSchema = z.custom<z.ZodType>(
  (value) => typeof (value as { safeParse?: unknown } | null | undefined)?.safeParse === "function",
  "must be a zod schema, as z.object({ ... })",
);

/** The fields of a skill but its name, as {@link defineSkill} and a registry's `add` check them. */
const SkillFieldsSchema = z.object({
  description: z.string(),
  input: ZodSchema,
  output: ZodSchema,
  author: z.string().optional(),
  instructions: z.string().optional(),
  requires: z.array(z.literal("model")).optional(),
  run: z.custom<(...args: never[]) => unknown>((value) => typeof value === "function", "must be a function"),
});

/**
 * Checks a skill object: its name first (the message names it), then its other fields.
 *
 * @throws ValidationError naming the field that is wrong.
 */
export function validateSkill(skill: Skill<z.ZodType, z.ZodType, never>): void {
  const name = SkillNameSchema.safeParse(skill.name);
  if (!name.success) {
    throw validationErrorFromZod(name.error.issues, {
      subject: `skill ${JSON.stringify(skill.name)}`,
      pathPrefix: "name",
    });
  }
  const fields = SkillFieldsSchema.safeParse(skill);
  if (!fields.success)
    throw validationErrorFromZod(fields.error.issues, { subject: `skill "${skill.name}"` });
}

/**
 * Declares a skill. The handler's `services` are typed by an annotation on its
 * context (`{ services }: SkillContext<Factory>`); {@link defineFactorySkill}
 * spells that for skills run by a factory.
 *
 * @throws ValidationError (`E_VALIDATION`) naming `name` when the name is not
 * lowercase words joined by single hyphens, at most 64 characters, or the
 * field of another type (`input` that is no zod schema, `run` no function).
 * @example
 * ```ts
 * const shout = defineSkill({
 *   name: "shout",
 *   description: "Upper-cases a text",
 *   input: z.object({ text: z.string() }),
 *   output: z.object({ text: z.string() }),
 *   run: async ({ text }) => ({ text: text.toUpperCase() }),
 * });
 * ```
 */
export function defineSkill<Input extends z.ZodType, Output extends z.ZodType, Services = unknown>(
  skill: Skill<Input, Output, Services>,
): Skill<Input, Output, Services> {
  checkArguments("defineSkill", { skill: [anObject("a skill definition"), skill] });
  validateSkill(skill as Skill<z.ZodType, z.ZodType, never>);
  return skill;
}

/**
 * Declares a skill run by a factory: its handler's `services` is the
 * {@link Factory} that runs it (what `openFactory({ skills })` takes).
 *
 * @throws ValidationError (`E_VALIDATION`) naming `name` when the name is not
 * lowercase words joined by single hyphens, at most 64 characters.
 * @example
 * ```ts
 * const ownerOf = defineFactorySkill({
 *   name: "owner-of-line",
 *   description: "Who owns a line",
 *   input: z.object({ line: z.string() }),
 *   output: z.object({ owner: z.string().nullable() }),
 *   run: async ({ line }, { services }) => ({ owner: services.floorplan.line(line)?.owner ?? null }),
 * });
 * const factory = await openFactory({ dir: ".factory", skills: [ownerOf] });
 * ```
 */
export function defineFactorySkill<Input extends z.ZodType, Output extends z.ZodType>(
  skill: Skill<Input, Output, Factory>,
): Skill<Input, Output, Factory> {
  return defineSkill(skill);
}
