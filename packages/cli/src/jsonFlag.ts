/**
 * Flags that take JSON, inline or as `@path` of a JSON file (`--input`,
 * `--fields`, `--mapping`).
 *
 * @module
 */
import { UsageError } from "./exitCodes.js";
import { readInput } from "./inputFile.js";

/**
 * Reads a JSON flag: the value itself, or the file after `@`, which may be a
 * pipe (`@<(jq ...)`) or `-` for standard input (`@-`).
 *
 * @throws NotFoundError (`E_NOT_FOUND`, field `flag`) when the file is missing, a folder, a device or a socket.
 * @throws UsageError naming the flag when the file cannot be read or the JSON does not parse.
 * @example
 * ```ts
 * readJsonFlag('{"line":"payments"}', "--input"); // { line: "payments" }
 * readJsonFlag("@input.json", "--input"); // the file's JSON
 * ```
 */
export function readJsonFlag(value: string, flag: string): unknown {
  let text = value;
  if (value.startsWith("@")) {
    text = readInput(value.slice(1), flag).toString("utf8");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: not valid JSON: ${(error as Error).message}`);
  }
}
