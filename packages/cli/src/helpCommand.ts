/**
 * `factory help <command...>`: the help of the command the names lead to,
 * however deep. Commander's own help command reads only the first name, so
 * `factory help work create` printed the help of `work` and `factory help
 * nope` said that a command was missing.
 *
 * @module
 */
import type { Command } from "commander";
import { UsageError } from "./exitCodes.js";

/** `factory work` for the `work` command: the names from the program down. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

/** The command `names` lead to from `from`, as `from <names...>` would run it. */
function commandAt(from: Command, names: readonly string[]): Command {
  let at = from;
  for (const name of names) {
    const next = at.commands.find((command) => command.name() === name || command.aliases().includes(name));
    if (next === undefined) {
      const known = at.commands.map((command) => command.name());
      throw new UsageError(
        known.length === 0
          ? `<command>: ${pathOf(at)} has no commands (got "${name}")`
          : `<command>: ${pathOf(at)} has no command "${name}"; its commands are ${known.join(", ")}`,
      );
    }
    at = next;
  }
  return at;
}

/**
 * Replaces commander's help command with one that follows every name given:
 * `factory help work create` prints the help of `work create`, `factory work
 * help create` too, and a name that is no command is a usage error naming it
 * and the commands there. Every command that has commands gets one, listed
 * last. Call it once, after every command is registered; `program` must have
 * been made with `helpCommand(false)` before its commands were added, so that
 * none of them has commander's.
 */
export function addHelpCommands(program: Command): void {
  const groups = (command: Command): Command[] =>
    command.commands.length === 0 ? [] : [command, ...command.commands.flatMap(groups)];
  for (const group of groups(program)) {
    group
      .command("help")
      .description("display help for command")
      .argument("[command...]", "the command, as typed after factory (work create)")
      .action((names: string[]) => {
        commandAt(group, names).outputHelp();
      });
  }
}
