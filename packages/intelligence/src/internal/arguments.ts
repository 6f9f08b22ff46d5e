/**
 * The arguments of a public function as plain JavaScript may pass them: each
 * checked against its schema before anything runs, so a wrong type is a
 * `ValidationError` naming the argument, not a `TypeError` from deep inside.
 *
 * @module
 */
import { anObject, withMethods } from "@software-factory/core";
import { z } from "zod";

/** A string argument. */
export const Text = z.string();

/** An array of strings argument. */
export const Texts = z.array(z.string());

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
