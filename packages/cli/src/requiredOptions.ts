/**
 * Required options checked after unknown ones: commander reports a missing
 * required option before an unknown one, so a typo in a required flag
 * (`factory work create --lien checkout x`) was told as the flag missing
 * (`required option '--line <line>' not specified`) rather than as the typo,
 * with commander's "Did you mean --line?". Commander's help did not say which
 * options are required either: here each says so, the same way.
 *
 * @module
 */
import type { Command, Option } from "commander";

/** Every command of the program, the program first. */
function commandsOf(program: Command): Command[] {
  return [program, ...program.commands.flatMap((command) => commandsOf(command))];
}

/** What starts the help of every required option: `--line <line>  required: the line the work belongs to`. */
const REQUIRED_MARK = "required: ";

/**
 * Makes an unknown option win over a missing required option in every command
 * of `program`: their required options become optional to commander, which
 * checks unknown options and then arguments, and a `preAction` hook of the
 * program refuses a missing one as commander would have (`required option
 * '--line <line>' not specified`, code `commander.missingMandatoryOptionValue`),
 * before the action runs. Each one's help starts with `required: ` (commander
 * says nothing of it), so a command's description of a required option need
 * not. Call it once, after every command is registered.
 */
export function checkRequiredOptionsLast(program: Command): void {
  const required = new Map<Command, Option[]>();
  for (const command of commandsOf(program)) {
    const mandatory = command.options.filter((option) => option.mandatory);
    if (mandatory.length === 0) continue;
    for (const option of mandatory) {
      option.makeOptionMandatory(false);
      option.description = `${REQUIRED_MARK}${option.description}`;
    }
    required.set(command, mandatory);
  }
  program.hook("preAction", (_program, actionCommand) => {
    // A required option of the command or of one of its parents, as commander walks them.
    for (let at: Command | null = actionCommand; at !== null; at = at.parent) {
      for (const option of required.get(at) ?? []) {
        if (at.getOptionValue(option.attributeName()) !== undefined) continue;
        actionCommand.error(`error: required option '${option.flags}' not specified`, {
          code: "commander.missingMandatoryOptionValue",
        });
      }
    }
  });
}
