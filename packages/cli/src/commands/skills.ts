/**
 * `factory skills list|run|export`: the factory's skills (built-in runnable
 * skills and the instruction skills of the folder's `skills/`), running one
 * with a JSON input, and exporting one as an Agent Skills folder. Every run is
 * recorded in the log as a `skill.ran` event.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { NotFoundError, ValidationError } from "@software-factory/core";
import { exportSkill, type InstructionSkill, loadSkillFolder } from "@software-factory/intelligence";
import type { Command } from "commander";
import { z } from "zod";
import { UsageError } from "../exitCodes.js";
import { type ExportedFile, OverwriteRefusedError } from "../exportFiles.js";
import { parseFlag } from "../flags.js";
import type { Output } from "../Output.js";
import { action, type CliContext } from "../program.js";
import { withFactory } from "../Session.js";

/** A skill as `factory skills list` prints it. */
interface ListedSkill {
  readonly name: string;
  /** `runnable` (a handler the factory runs) or `instruction` (a SKILL.md for models). */
  readonly kind: "runnable" | "instruction";
  readonly description: string;
  /** Whether the skill has instructions for a model (a SKILL.md). */
  readonly instructions: boolean;
  readonly inputSchema?: unknown;
}

const ToFlag = z.string().trim().min(1, "must not be empty");

/**
 * Whether `folder` is an Agent Skills folder of the skill `name` (a valid
 * SKILL.md naming it): an earlier export, or the skill's own folder, which an
 * export may replace.
 */
function isFolderOfSkill(folder: string, name: string): boolean {
  try {
    return loadSkillFolder(folder).name === name;
  } catch {
    return false;
  }
}

/**
 * Exports a skill as `<to>/<name>/` (SKILL.md, and the `scripts/`,
 * `references/` and `assets/` files of a skill loaded from a folder). The
 * folder replaces an earlier export of the same skill; anything else already
 * at `<to>/<name>` is left alone unless `force`.
 *
 * @throws OverwriteRefusedError when `<to>/<name>` holds something other than this skill (without `force`).
 */
function exportSkillFolder(skill: InstructionSkill, to: string, force: boolean): ExportedFile {
  const folder = join(to, skill.name);
  const existed = existsSync(folder);
  if (existed && !force && !isFolderOfSkill(folder, skill.name))
    throw new OverwriteRefusedError(
      [folder],
      `it is not an export of the skill ${skill.name} (no SKILL.md naming it); give --force to replace it`,
    );
  return { path: exportSkill(skill, to), status: existed ? "updated" : "created" };
}

/** Registers `factory skills list`, `factory skills run` and `factory skills export`. */
export function registerSkills(program: Command, context: CliContext): void {
  const skills = program
    .command("skills")
    .description("the factory's skills: built-in runnable ones and the SKILL.md folders under <dir>/skills");

  skills
    .command("list")
    .description("every skill with its kind (runnable or instruction) and description")
    .action(
      action(context, async ({ options, output }) => {
        const listed = await withFactory(
          options,
          async (factory): Promise<ListedSkill[]> =>
            factory.skills.list().map((skill) => ({
              name: skill.name,
              kind: skill.runnable ? "runnable" : "instruction",
              description: skill.description,
              instructions: skill.instructions,
              ...(skill.inputSchema === undefined ? {} : { inputSchema: skill.inputSchema }),
            })),
        );
        if (options.json) return output.json(listed);
        if (listed.length === 0) return output.line("no skills");
        const width = Math.max(...listed.map((skill) => skill.name.length));
        for (const skill of listed) {
          output.line(
            `${output.style("bold", skill.name.padEnd(width))}  ${skill.kind.padEnd(11)}  ${skill.description}`,
          );
        }
      }),
    );

  skills
    .command("run")
    .description("run a runnable skill with a JSON input; the run is recorded in the log")
    .argument("<name>", "skill name (see factory skills list)")
    .option("--input <json|@file>", "the skill's input as JSON, or @ and a JSON file", "{}")
    .action(
      action(context, async ({ options, output }, name, flags) => {
        const input = parseInput((flags as { input: string }).input);
        const run = await withFactory(options, async (factory) => {
          try {
            return await factory.skills.run(name as string, input, { actor: options.actor });
          } catch (error) {
            throw isInputError(error, name as string)
              ? new UsageError(`--input: ${error.message}`, { cause: error })
              : error;
          }
        });
        if (options.json) return output.json(run);
        printOutput(output, run.output);
      }),
    );

  skills
    .command("export")
    .description(
      "write a skill with instructions (an instruction skill, or a built-in one) as an Agent Skills folder <to>/<name>/SKILL.md",
    )
    .argument("<name>", "skill name (see factory skills list)")
    .requiredOption("--to <dir>", "folder to write the skill's folder in (such as .claude/skills)")
    .option("--force", "replace <to>/<name> even when it is not an earlier export of this skill")
    .action(
      action(context, async ({ options, output }, name, flags) => {
        const given = flags as { to: string; force?: boolean };
        const to = resolve(parseFlag(ToFlag, given.to, "--to"));
        const skill = await withFactory(options, async (factory) => {
          const found = factory.skills.instructions(name as string);
          if (found !== undefined) return found;
          const known = factory.skills.list().find((info) => info.name === name);
          const withInstructions = factory.skills
            .list()
            .filter((info) => info.instructions)
            .map((info) => info.name);
          throw new NotFoundError({
            message: `${known === undefined ? `no skill "${name as string}"` : `the skill "${name as string}" has no instructions (SKILL.md) to export`}; the skills with instructions are ${withInstructions.join(", ") || "none"}`,
            entity: "skill",
            id: name as string,
          });
        });
        const written = exportSkillFolder(skill, to, given.force === true);
        if (options.json) return output.json({ skill: skill.name, ...written });
        output.line(`${written.status.padEnd(9)} ${join(written.path, "SKILL.md")}`);
      }),
    );
}

/**
 * Reads `--input`: inline JSON, or `@path` of a JSON file.
 *
 * @throws UsageError naming the flag when the file cannot be read or the JSON does not parse.
 */
function parseInput(value: string): unknown {
  let text = value;
  if (value.startsWith("@")) {
    const path = value.slice(1);
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new UsageError(`--input: cannot read ${path}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input: not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Whether a run failed because its input did not match the skill's schema (a
 * usage error), not because the skill itself failed. The registry throws a
 * {@link ValidationError} for both; the input's one is about `input of skill <name>`.
 */
function isInputError(error: unknown, name: string): error is ValidationError {
  return error instanceof ValidationError && error.message.startsWith(`input of skill ${name} is invalid`);
}

/** Prints a skill's output as text: a string as it is, an object field by field. */
function printOutput(output: Output, value: unknown): void {
  if (typeof value === "string") {
    output.line(value);
    return;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    output.line(JSON.stringify(value, null, 2));
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === "string" && field.includes("\n")) {
      output.line(output.style("bold", `${key}:`));
      output.line(field);
    } else if (Array.isArray(field) && field.every((item) => typeof item === "string")) {
      output.line(`${output.style("bold", `${key}:`)} ${field.join(", ") || "(none)"}`);
    } else {
      output.line(
        `${output.style("bold", `${key}:`)} ${typeof field === "string" ? field : JSON.stringify(field)}`,
      );
    }
  }
}
