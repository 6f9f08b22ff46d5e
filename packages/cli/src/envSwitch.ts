/**
 * How the CLI reads an on/off environment variable (`FACTORY_DEBUG`,
 * `FORCE_COLOR`), so that `0` and `false` switch a thing off as a CI file
 * writing `FACTORY_DEBUG: 0` means.
 *
 * @module
 */

/** What an on/off environment variable says: on, off, nothing (unset or empty), or a value it does not take. */
export type EnvSwitch = "on" | "off" | "unset" | "unknown";

const ON = new Set(["1", "true", "yes", "on"]);
const OFF = new Set(["0", "false", "no", "off"]);

/**
 * Reads `value`, an on/off environment variable's: `1`, `true`, `yes`, `on`
 * are on, `0`, `false`, `no`, `off` are off (any case, spaces around
 * ignored), unset or empty is `unset`, and anything else `unknown`.
 */
export function envSwitch(value: string | undefined): EnvSwitch {
  const given = value?.trim().toLowerCase() ?? "";
  if (given === "") return "unset";
  if (ON.has(given)) return "on";
  return OFF.has(given) ? "off" : "unknown";
}
