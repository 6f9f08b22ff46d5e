/**
 * How an option or a positional argument reads in `--help`: a default as
 * written words, `(default 10)`, the style of the defaults the commands work
 * out themselves (`(default 1500, at most 20000)`), where commander would
 * print a quoted string (`(default: "10")`).
 *
 * @module
 */
import type { Argument, Option } from "commander";

/** A description ending with the option's range, `(at most 200)`. */
const RANGE_AT_END = /\((at most [^()]*)\)$/;

/**
 * The help of `option`: its description, then its default when commander
 * holds one, as `(default 10)`, or inside a range that ends the description,
 * `hits to show (at most 200)` read as `hits to show (default 10, at most
 * 200)`; then its environment variable, `(env: FACTORY_DIR)`, as commander
 * writes it. A switch's default (`false`) is not shown, as commander does not
 * show it; the CLI has no `choices` or presets, so they are not written.
 */
export function optionDescription(option: Option): string {
  const takesValue = option.required || option.optional;
  const shown = option.defaultValueDescription ?? option.defaultValue;
  let text = option.description;
  if (takesValue && shown !== undefined) {
    const written = `default ${String(shown)}`;
    text = RANGE_AT_END.test(text) ? text.replace(RANGE_AT_END, `(${written}, $1)`) : `${text} (${written})`;
  }
  return option.envVar === undefined ? text : `${text} (env: ${option.envVar})`;
}

/**
 * The help of a positional argument: its description, then its default when
 * it has one, as an option's reads: `root of the repository (default the
 * current folder)`. The CLI's arguments have no `choices`, so they are not
 * written.
 */
export function argumentDescription(argument: Argument): string {
  const shown = argument.defaultValueDescription ?? argument.defaultValue;
  return shown === undefined ? argument.description : `${argument.description} (default ${String(shown)})`;
}
