/**
 * `factory skills list|run|export`: the factory's skills (built-in runnable
 * skills and the instruction skills of the folder's `skills/`), running one
 * with a JSON input (once per `--idempotency-key`), and exporting one as an
 * Agent Skills folder. Every run is recorded in the log as a `skill.ran` event.
 *
 * @module
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { IdempotencyConflictError, NotFoundError, ValidationError } from "@software-factory/core";
import { exportSkill, formatSkillMd, type InstructionSkill } from "@software-factory/intelligence";
import type { Command } from "commander";
import { z } from "zod";
import { InterruptedError, UsageError } from "../exitCodes.js";
import { type ExportedFile, entryAt, makeFolders, OverwriteRefusedError, writingTo } from "../exportFiles.js";
import { idArgument, idempotencyKeyOption, parseFlag } from "../flags.js";
import { onInterrupt } from "../interruption.js";
import { readJsonFlag } from "../jsonFlag.js";
import { argumentNotFound, namingArgument } from "../namingFlags.js";
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

/** The files an export of `skill` holds, by path relative to its folder: SKILL.md and, for a skill loaded from a folder, every file it lists. */
function exportedFiles(skill: InstructionSkill): Map<string, Buffer> {
  const files = new Map([["SKILL.md", Buffer.from(formatSkillMd(skill))]]);
  const source = skill.dir;
  if (source !== undefined) for (const file of skill.files) files.set(file, readFileSync(join(source, file)));
  return files;
}

/** Every file (or link, or other entry that is not a folder) under `folder`, by path relative to it with `/`. */
function filesUnder(folder: string, prefix = ""): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(folder, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

/**
 * Exports a skill as `<to>/<name>/` (SKILL.md, and for a skill loaded from
 * a folder every file of it, at any depth: those of `scripts/`,
 * `references/` and `assets/` and any other, such as `forms.md` or
 * `templates/viewer.html`; hidden entries directly in it, such as
 * `.DS_Store`, are not files of the skill), as
 * `factory standards export` writes files: a folder that already holds
 * exactly the export is left as it is (`unchanged`); one where a file differs
 * or was added (a local change) is replaced only with `force`.
 *
 * @throws UsageError when `to` is a file.
 * @throws OverwriteRefusedError naming the differing files (or `<to>/<name>`, when it is not a folder) without `force`.
 * @throws ExportWriteError naming the folder that could not be written.
 */
function exportSkillFolder(skill: InstructionSkill, to: string, force: boolean): ExportedFile {
  if (entryAt(to)?.isDirectory() === false)
    throw new UsageError(
      `--to: ${to} is a file; give the folder to write the skill's folder ${skill.name}/ in (such as .claude/skills)`,
    );
  const folder = join(to, skill.name);
  const existing = entryAt(to) === undefined ? undefined : lstatSync(folder, { throwIfNoEntry: false });
  if (existing !== undefined) {
    const expected = exportedFiles(skill);
    const present = existing.isDirectory() ? filesUnder(folder) : undefined;
    const differing =
      present?.filter((file) => {
        const text = expected.get(file);
        return text === undefined || !text.equals(readFileSync(join(folder, file)));
      }) ?? [];
    const missing = [...expected.keys()].filter((file) => present?.includes(file) === false);
    if (present !== undefined && differing.length === 0 && missing.length === 0)
      return { path: folder, status: "unchanged" };
    if (!force && present === undefined)
      throw new OverwriteRefusedError([folder], "it is not a folder; give --force to replace it");
    if (!force && differing.length > 0)
      throw new OverwriteRefusedError(
        differing.map((file) => join(folder, file)),
        `${differing.length === 1 ? "it differs" : "they differ"} from the export of the skill ${skill.name} (changed or added since); give --force to replace ${differing.length === 1 ? "it" : "them"}`,
      );
  }
  makeFolders(to);
  writingTo(folder, () => {
    exportSkill(skill, to);
  });
  return { path: folder, status: existing === undefined ? "created" : "updated" };
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
        const { listed, problems } = await withFactory(options, async (factory) => ({
          listed: factory.skills.list().map(
            (skill): ListedSkill => ({
              name: skill.name,
              kind: skill.runnable ? "runnable" : "instruction",
              description: skill.description,
              instructions: skill.instructions,
              ...(skill.inputSchema === undefined ? {} : { inputSchema: skill.inputSchema }),
            }),
          ),
          problems: factory.skills.problems(),
        }));
        // Skill folders that failed to load: on stderr, so --json's answer stays the list.
        for (const problem of problems)
          output.error(`warning: skill "${problem.name}" not loaded:\n${problem.message}`);
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
    .argument("<name>", "skill name (see factory skills list)", idArgument("<name>"))
    .option("--input <json|@file>", "the skill's input as JSON, or @ and a JSON file", "{}")
    .option(
      "--idempotency-key <key>",
      "run it once: a retry with this key (a CI job or ticket id) runs nothing more and prints the first run's output",
    )
    .action(
      action(context, async ({ options, output }, name, flags) => {
        const given = flags as { input: string; idempotencyKey?: string };
        const input = readJsonFlag(given.input, "--input");
        const keyed = idempotencyKeyOption(given.idempotencyKey);
        const run = await withFactory(options, async (factory) => {
          // Ctrl-C (SIGTERM, SIGHUP) cancels the run, which is recorded as cancelled; a second one ends the
          // process as usual.
          const interrupted = new AbortController();
          const forget = onInterrupt((signal) =>
            interrupted.abort(
              new InterruptedError(
                `interrupted (${signal}): the run was cancelled and recorded as cancelled`,
                {
                  signal,
                },
              ),
            ),
          );
          try {
            // Keys the skill's input schema does not take are refused (a zod object would drop a misspelt
            // one unread) and the refusal recorded as an invalid-input run, as MCP's run_skill does.
            return await namingArgument("<name>", name as string, () =>
              factory.skills.run(name as string, input, {
                strictInput: true,
                actor: options.actor,
                ...keyed,
                signal: interrupted.signal,
              }),
            );
          } catch (error) {
            if (isInputError(error, name as string))
              throw new UsageError(inputProblems(input, error), { cause: error });
            if (error instanceof NotFoundError && error.field === "<name>") {
              const instruction = notRunnable(factory.skills.list(), name as string);
              if (instruction !== undefined) throw instruction;
            }
            // A field of the input naming nothing (`{"line":"nowhere"}`): the flag and the field start the
            // message, the field as the skill named it, or else where the input holds the id (an unknown
            // skill is about <name>, told as namingArgument tells it).
            if (error instanceof NotFoundError && error.field !== "<name>") {
              const field = error.field ?? fieldHolding(input, error.id);
              if (field !== undefined)
                throw new NotFoundError({
                  message: `--input: ${error.message.startsWith(`${field}: `) ? error.message : `${field}: ${error.message}`}`,
                  entity: error.entity,
                  id: error.id,
                  field: "--input",
                });
            }
            // Told as the other commands with the flag tell it (namingFlags): the flag starts the message.
            if (error instanceof IdempotencyConflictError)
              throw new IdempotencyConflictError({
                message: `--idempotency-key: ${error.message}`,
                key: error.key,
              });
            throw error;
          } finally {
            forget();
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
    .argument("<name>", "skill name (see factory skills list)", idArgument("<name>"))
    .requiredOption("--to <dir>", "folder to write the skill's folder in (such as .claude/skills)")
    .option("--force", "replace <to>/<name> even when files in it differ from the export (local changes)")
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
          throw argumentNotFound("<name>", {
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
 * Whether a run failed because its input did not match the skill's schema (a
 * usage error), not because the skill itself failed. The registry throws a
 * {@link ValidationError} for both; the input's one is about `input of skill <name>`.
 */
function isInputError(error: unknown, name: string): error is ValidationError {
  return error instanceof ValidationError && error.message.startsWith(`input of skill ${name} is invalid`);
}

/** Characters of an input's JSON a message shows before cutting it (an `@file` input may be long). */
const SHOWN_INPUT_CHARS = 200;

/** An input as its refusal shows it: its JSON, cut with its length when long. */
function shownInput(input: unknown): string {
  const json = JSON.stringify(input);
  return json.length <= SHOWN_INPUT_CHARS
    ? json
    : `${json.slice(0, SHOWN_INPUT_CHARS)}... (${json.length} characters)`;
}

/**
 * A skill's refusal of its input as the other JSON flags tell theirs
 * (`--mapping`, `--fields`): the flag, each problem after the field of the
 * input it is about (none for the input itself) in the SDK's plain words,
 * then the input as given: `--input: line: must be a string, not a number
 * (got {"line":42})`, `--input: line: required (a string) (got {})`,
 * `--input: unknown field "lnie"; it takes line (got {"lnie":"x"})`,
 * `--input: must be a JSON object, not a list (got [1])`.
 */
function inputProblems(input: unknown, error: ValidationError): string {
  const problems = error.issues.map(({ path, message }) => (path === "" ? message : `${path}: ${message}`));
  return `--input: ${problems.join("; ")} (got ${shownInput(input)})`;
}

/**
 * The refusal to run an instruction skill (a SKILL.md for a model, which
 * `skills list` shows beside the runnable ones), saying what it is and what
 * to do with it, where the SDK says only that no runnable skill has its name:
 * `<name>: howto is an instruction skill (a SKILL.md for a model to follow),
 * not a runnable one; factory skills export howto --to <dir> writes it for an
 * agent; runnable skills: summarize-line, ...`. Undefined for a name no skill has.
 */
function notRunnable(
  skills: readonly { name: string; runnable: boolean }[],
  name: string,
): NotFoundError | undefined {
  if (!skills.some((skill) => skill.name === name && !skill.runnable)) return undefined;
  const runnable = skills.filter((skill) => skill.runnable).map((skill) => skill.name);
  return argumentNotFound("<name>", {
    message: `${name} is an instruction skill (a SKILL.md for a model to follow), not a runnable one; factory skills export ${name} --to <dir> writes it for an agent; runnable skills: ${runnable.join(", ") || "none"}`,
    entity: "skill",
    id: name,
  });
}

/**
 * The path in a skill's input of the field whose value is `id` (`line`,
 * `lines[1]`, `signal.id`), the first in the input's order; undefined when no
 * field holds it.
 */
function fieldHolding(input: unknown, id: string, path = ""): string | undefined {
  if (input === id) return path === "" ? undefined : path;
  if (typeof input !== "object" || input === null) return undefined;
  for (const [key, value] of Object.entries(input)) {
    const at = Array.isArray(input) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
    const found = fieldHolding(value, id, at);
    if (found !== undefined) return found;
  }
  return undefined;
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
