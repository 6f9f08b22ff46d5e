/**
 * The `skills` group of tools: listing the factory's skills and running the
 * runnable ones.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { z } from "zod";
import { skillsWithInstructions } from "../skills.js";
import { defineTool } from "../toolKit.js";
import { ID_MAX, IdempotencyKey, keyed } from "./shared.js";
import { namedInInputArgument } from "./skillInput.js";
import { SkillOutput } from "./skillsOutputs.js";

/** `list_skills`: the factory's runnable and instruction skills. */
export const listSkills = defineTool({
  name: "list_skills",
  title: "List skills",
  description:
    "The factory's skills: runnable ones (run_skill runs them; their input schema is given) and instruction ones (read skill://<name>/SKILL.md or get the prompt of that name); problems names skill folders that failed to load.",
  group: "skills",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({}),
  output: z.object({
    skills: z.array(SkillOutput).describe("Every skill of the factory"),
    problems: z
      .array(z.object({ name: z.string(), message: z.string() }))
      .describe("Skill folders that failed to load, each with its problems at file:line:column"),
  }),
  run: async (factory) => {
    // A skill whose folder failed to load lists no files: its problem is under problems, not thrown.
    const instructions = skillsWithInstructions(factory);
    return {
      skills: factory.skills.list().map((info) => {
        const files = instructions.get(info.name)?.files ?? [];
        return files.length === 0 ? info : { ...info, files };
      }),
      problems: factory.skills.problems().map(({ name, message }) => ({ name, message })),
    };
  },
});

/** `run_skill`: runs a runnable skill with its input and records the run. */
export const runSkill = defineTool({
  name: "run_skill",
  title: "Run a skill",
  description:
    "Run a runnable skill with its input (list_skills gives names and input schemas); every run is recorded, and cancelling the call cancels the run. A skill may write: pass an idempotencyKey so that a retried call runs it once and answers the first run's output.",
  group: "skills",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  input: z.object({
    name: z
      .string()
      .min(1)
      .max(ID_MAX)
      .describe("Name of a runnable skill (list_skills lists them with their input schemas)"),
    input: z
      .unknown()
      .optional()
      .describe(
        "The skill's input, any JSON value its input schema accepts (an object, a string, an array...); omitted, {}",
      ),
    idempotencyKey: IdempotencyKey,
  }),
  output: z.object({ skill: z.string(), output: z.unknown(), durationMs: z.number() }),
  run: async (factory, { name, input, idempotencyKey }, context) => {
    refuseInstructionSkill(factory, name);
    const given = input === undefined ? {} : input;
    // A cancelled call cancels the run: the handler gets the signal, an Effect handler is interrupted.
    // Keys the skill's input schema does not take are refused (a zod object would drop them unread),
    // and the refusal is recorded as an invalid-input run, as any other refused input is.
    try {
      return await factory.skills.run(name, given, {
        strictInput: true,
        ...keyed(idempotencyKey),
        ...(context?.signal === undefined ? {} : { signal: context.signal }),
      });
    } catch (error) {
      throw error instanceof NotFoundError && error.field !== undefined
        ? namedInInput(error, error.field)
        : namedInInputArgument(name, error);
    }
  },
});

/**
 * A skill's refusal of an id its input named (`line: no line "nope"`, field
 * `line`), told as the argument the agent gave: `input.line: no line "nope"`.
 */
function namedInInput(error: NotFoundError, field: string): NotFoundError {
  const told = error.message.startsWith(`${field}: `) ? error.message : `${field}: ${error.message}`;
  return new NotFoundError({
    message: `input.${told}`,
    entity: error.entity,
    id: error.id,
    field: `input.${field}`,
  });
}

/**
 * Refuses to run a skill that has instructions and no handler, saying how to
 * get its instructions instead (the factory's own refusal says only that no
 * runnable skill has the name).
 *
 * @throws NotFoundError (`E_NOT_FOUND`, entity `skill`, field `name`) naming
 *   the skill's prompt and SKILL.md resource, and the runnable skills.
 */
function refuseInstructionSkill(factory: Factory, name: string): void {
  const skills = factory.skills.list();
  if (skills.some((skill) => skill.name === name && skill.runnable)) return;
  if (!skillsWithInstructions(factory).has(name)) return;
  const runnable = skills.filter((skill) => skill.runnable).map((skill) => skill.name);
  throw new NotFoundError({
    message: `name: "${name}" is an instruction skill (a SKILL.md without a handler), so run_skill does not run it: get its instructions as the prompt "${name}" or read the resource skill://${name}/SKILL.md, and follow them yourself; runnable skills: ${runnable.join(", ") || "none"}`,
    entity: "skill",
    id: name,
    field: "name",
  });
}
