/**
 * An option that takes a value refuses another option as that value.
 * commander takes the word after such an option whatever it is, so a
 * forgotten value swallowed the next flag: `factory signal capture --source
 * --customer Hofmann "Klarna vanished"` recorded a signal from the source
 * `--customer` with the text `Hofmann Klarna vanished`.
 *
 * @module
 */
import type { Command } from "commander";
import { UsageError } from "./exitCodes.js";

/** Every command of the program, the program first. */
function commandsOf(program: Command): Command[] {
  return [program, ...program.commands.flatMap((command) => commandsOf(command))];
}

/** Every option name of the program: each long and short flag of every command, and the help flags. */
function flagsOf(program: Command): Set<string> {
  const flags = new Set(["--help", "-h"]);
  for (const command of commandsOf(program))
    for (const option of command.options) {
      if (option.long !== undefined) flags.add(option.long);
      if (option.short !== undefined) flags.add(option.short);
    }
  return flags;
}

/**
 * Makes every option of `program` that takes a value refuse as its value a
 * word that is one of the program's options (`--line`, `-n`, `--line=x`,
 * `--help`): `--source --customer x` is the usage error `--source: its value
 * is missing ("--customer" is an option, not a value)`. Options of any
 * command count, as a global option (`--dir`) is read before the command is
 * known. A value that only starts with a dash (`--title "-5 reasons"`, `--body
 * --verbose-output`) is taken as given. Call it once, after every command is
 * registered.
 */
export function refuseOptionsAsValues(program: Command): void {
  const flags = flagsOf(program);
  const isOption = (value: string) =>
    flags.has(value.startsWith("--") ? (value.split("=", 1)[0] ?? value) : value);
  for (const command of commandsOf(program)) {
    for (const option of command.options) {
      // An optional value (`--mermaid [file]`) is never taken from a word starting with a dash.
      if (!option.required) continue;
      command.on(`option:${option.name()}`, (value: unknown) => {
        if (typeof value === "string" && isOption(value))
          throw new UsageError(
            `${option.long ?? option.short}: its value is missing (${JSON.stringify(value)} is an option, not a value)`,
          );
      });
    }
  }
}
