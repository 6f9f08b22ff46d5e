/**
 * Schema of what `list_skills` answers for each skill, as its JSON reaches
 * the client. Fields left undefined are absent; the object is loose, so a
 * field the skills add later does not break a client that validates.
 *
 * @module
 */
import { z } from "zod";

/** A skill as `list_skills` lists it: runnable, instruction-only, or both. */
export const SkillOutput = z.looseObject({
  name: z.string().describe("Name of the skill, for run_skill and skill://<name>/SKILL.md"),
  description: z.string().describe("What the skill does, in one sentence"),
  runnable: z.boolean().describe("Whether run_skill runs it"),
  instructions: z
    .boolean()
    .describe("Whether it has instructions for a model: skill://<name>/SKILL.md, or the prompt of its name"),
  inputSchema: z.unknown().optional().describe("JSON Schema of a runnable skill's input"),
  requires: z
    .array(z.string())
    .optional()
    .describe("What a runnable skill needs to run (model), when it needs anything"),
  files: z
    .array(z.string())
    .optional()
    .describe("Its scripts, references and assets, read as skill://<name>/<file>; absent when it has none"),
});
