/**
 * The flags of `factory-mcp` and `factory mcp` that choose what a server
 * offers (`--tools`, `--import-root`, `--instructions`), checked here for both commands, so
 * they accept and refuse the same values with the same messages (the HTTP
 * flags are resolved by `httpSettingsOf` likewise).
 *
 * @module
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { FactoryTool } from "./toolKit.js";

/** A group of the factory's tools, as `--tools` names it. */
export type ToolGroup = FactoryTool["group"];

/**
 * Every tool group, in the order `--help` lists them; a server offers all but
 * `import` unless told otherwise (`import` reads folders of the server's machine).
 */
export const TOOL_GROUPS: readonly ToolGroup[] = [
  "knowledge",
  "floorplan",
  "work",
  "standards",
  "skills",
  "import",
];

/**
 * The tool groups of a `--tools` value: group names, comma-separated, spaces
 * around them ignored (`knowledge,work`).
 *
 * @returns the groups in the order given, or an Error whose message names
 *   `--tools`, the group that is not one and the groups there are.
 * @example
 * ```ts
 * toolGroupsOf("knowledge, work"); // ["knowledge", "work"]
 * toolGroupsOf("knowledge,wrok"); // Error: --tools: unknown tool group "wrok"; the groups are knowledge, ...
 * ```
 */
export function toolGroupsOf(value: string): ToolGroup[] | Error {
  const known = `the groups are ${TOOL_GROUPS.join(", ")}`;
  if (value.trim() === "") return new Error(`--tools: no tool group given; ${known}`);
  const groups = value.split(",").map((group) => group.trim());
  const unknown = groups.find((group) => !(TOOL_GROUPS as readonly string[]).includes(group));
  return unknown === undefined
    ? (groups as ToolGroup[])
    : new Error(`--tools: unknown tool group "${unknown}"; ${known}`);
}

/**
 * The folder of an `--import-root` value, made absolute: the folder
 * `import_codebase` may read under, which must exist.
 *
 * @returns the absolute path, or an Error whose message names
 *   `--import-root`, the value as given and what is wrong with it (empty,
 *   missing, not a folder).
 * @example
 * ```ts
 * importRootOf("."); // the current folder, absolute
 * importRootOf("nope"); // Error: --import-root nope does not exist (give the folder ...)
 * ```
 */
export function importRootOf(value: string): string | Error {
  const hint = "give the folder import_codebase may read under";
  if (value.trim() === "") return new Error(`--import-root must not be empty (${hint})`);
  const path = resolve(value);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) return path;
  return new Error(
    `--import-root ${value} ${stat === undefined ? "does not exist" : "is not a folder"} (${hint})`,
  );
}

/**
 * The folder of an `--instructions` value, made absolute: the root of the
 * repository whose Cursor rules, AGENTS.md and CLAUDE.md the served factory
 * loads, which must exist and be a folder.
 *
 * @returns the absolute path, or an Error whose message names
 *   `--instructions`, the value as given and what is wrong with it (empty,
 *   missing, not a folder).
 * @example
 * ```ts
 * instructionsRootOf("."); // the current folder, absolute
 * instructionsRootOf("nope"); // Error: --instructions nope is not a folder: it does not exist (give the root ...)
 * ```
 */
export function instructionsRootOf(value: string): string | Error {
  const hint = "give the root of a repository with .cursor/rules, AGENTS.md or CLAUDE.md";
  if (value.trim() === "") return new Error(`--instructions must not be empty (${hint})`);
  const path = resolve(value);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) return path;
  return new Error(
    `--instructions ${value} is not a folder${stat === undefined ? ": it does not exist" : ""} (${hint})`,
  );
}
