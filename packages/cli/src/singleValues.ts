/**
 * An option that takes one value refuses a second one. commander keeps the
 * last value of an option given twice, so a script that built its command
 * line with a duplicate (`factory work list --state active --state done`)
 * was answered for `done` alone, in silence: "no work items", exit 0.
 *
 * @module
 */
import type { EventEmitter } from "node:events";
import type { Command, Option } from "commander";
import { UsageError } from "./exitCodes.js";
import { collect } from "./flags.js";

/** Every command of the program, the program first. */
function commandsOf(program: Command): Command[] {
  return [program, ...program.commands.flatMap((command) => commandsOf(command))];
}

/**
 * Whether an option may be given more than once: a variadic one
 * (`--path <paths...>`), or one whose values {@link collect} gathers
 * (`--tag a --tag b`, marked `(repeatable)` in the help).
 */
function repeats(option: Option): boolean {
  return option.variadic || option.parseArg === collect;
}

/** A value as the refusal shows it: quoted, or `without a value` for an optional value left out. */
function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : "without a value";
}

/**
 * Makes every option of `program` that takes one value (`--state <state>`,
 * `--limit <n>`, `--dir <path>`, `--mermaid [file]`) refuse being given
 * twice on the command line: `--state active --state done` is the usage error
 * `--state: given twice ("active", "done"); it takes one value`, exit 2,
 * before anything runs. Options that repeat ({@link repeats}) gather every
 * value as before, and switches (`--json`) are left alone. A value from an
 * environment variable (`FACTORY_DIR`) or a default is not counted: only what
 * the command line gives. Call it once, after every command is registered.
 */
export function refuseRepeatedValues(program: Command): void {
  for (const command of commandsOf(program)) {
    for (const option of command.options) {
      if (!(option.required || option.optional) || repeats(option)) continue;
      const attribute = option.attributeName();
      let first: unknown;
      // Before commander's own listener stores the value: the one stored so far is then the first.
      // (A Command is an EventEmitter, which commander's types do not say.)
      (command as unknown as EventEmitter).prependListener(`option:${option.name()}`, (value: unknown) => {
        if (command.getOptionValueSource(attribute) !== "cli") {
          first = value;
          return;
        }
        throw new UsageError(
          `${option.long ?? option.short}: given twice (${shown(first)}, ${shown(value)}); it takes one value`,
        );
      });
    }
  }
}
