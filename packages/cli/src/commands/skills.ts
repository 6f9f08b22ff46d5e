/**
 * `factory skills list|run`: the factory's skills (built-in runnable skills and
 * the instruction skills of the folder's `skills/`), and running one with a
 * JSON input. Every run is recorded in the log as a `skill.ran` event.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { ValidationError } from "@software-factory/core";
import type { Command } from "commander";
import { UsageError } from "../exitCodes.js";
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

/** Registers `factory skills list` and `factory skills run`. */
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
