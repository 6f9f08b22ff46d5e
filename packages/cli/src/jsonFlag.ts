/**
 * Flags that take JSON, inline or as `@path` of a JSON file (`--input`,
 * `--fields`, `--mapping`).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { UsageError } from "./exitCodes.js";
import { requireSource } from "./knownValues.js";

/**
 * Reads a JSON flag: the value itself, or the file after `@`.
 *
 * @throws NotFoundError (`E_NOT_FOUND`, field `flag`) when the file is missing or a folder.
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
    const path = value.slice(1);
    requireSource(path, "file", flag);
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new UsageError(`${flag}: cannot read ${path}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: not valid JSON: ${(error as Error).message}`);
  }
}
