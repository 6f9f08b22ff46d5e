/**
 * Every command's `--help` says the same things the same way: each required
 * option starts with `required: `, and each default, an option's or a
 * positional argument's, reads as written words, `(default 10)` or `(default
 * 10, at most 200)`, never as commander's quoted string (`(default: "10")`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
/** The help of every command, by the command line that prints it (`work create`), found from `factory --help` down. */
const helps = new Map<string, string>();

/** The help of `command`, its wrapped lines joined again and spaces single; then that of each of its commands. */
async function readHelp(command: readonly string[]): Promise<void> {
  const run = await runFactory([...command, "--help"], { cwd });
  expect(run.code, command.join(" ")).toBe(0);
  const text = run.stdout.replace(/\n {3,}/g, " ").replace(/ {2,}/g, " ");
  helps.set(command.join(" "), text);
  const listed = text.split("Commands:")[1] ?? "";
  for (const [, name] of listed.matchAll(/^ ([a-z][a-z-]*) /gm))
    if (name !== undefined && name !== "help") await readHelp([...command, name]);
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-help-markers-"));
  await readHelp([]);
}, 120_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** Every required option of the CLI: the command, and the option as its help lists it. */
const REQUIRED = [
  ["import issues", "--format <format>"],
  ["import jsonl", "--mapping <json|@file>"],
  ["knowledge capture", "--kind <kind>"],
  ["knowledge capture", "--title <title>"],
  ["knowledge revise", "--reason <why>"],
  ["knowledge retract", "--reason <why>"],
  ["knowledge link", "--type <type>"],
  ["knowledge link", "--target <id>"],
  ["knowledge unlink", "--type <type>"],
  ["knowledge unlink", "--target <id>"],
  ["knowledge decide", "--title <title>"],
  ["knowledge decide", "--context <text>"],
  ["knowledge decide", "--decision <text>"],
  ["work create", "--line <line>"],
  ["work back", "--reason <text>"],
  ["work block", "--reason <text>"],
  ["work drop", "--reason <text>"],
  ["work artifact", "--kind <kind>"],
  ["work artifact", "--title <title>"],
  ["work link", "--type <type>"],
  ["work review", "--verdict <verdict>"],
  ["signal capture", "--source <source>"],
  ["standards export", "--format <format>"],
  ["standards export", "--to <dir-or-file>"],
  ["skills export", "--to <dir>"],
  ["migrate", "--to <url|path>"],
] as const;

describe("factory --help markers", () => {
  it("reads the help of every command", () => {
    expect(helps.size).toBeGreaterThan(60);
  });

  it.each(REQUIRED)("%s says %s is required", (command, option) => {
    expect(helps.get(command), command).toContain(` ${option} required: `);
  });

  it("says required of the required options only, once each", () => {
    const marked = [...helps].flatMap(([command, text]) =>
      [...text.matchAll(/ (--[a-z-]+ <[^>]+>) required: /g)].map((match) => `${command} ${match[1]}`),
    );
    expect(marked.sort()).toEqual(REQUIRED.map(([command, option]) => `${command} ${option}`).sort());
    for (const [command, text] of helps) expect(text, command).not.toMatch(/required: required:/);
  });

  it("writes every default, an option's or an argument's, as words, not as a quoted string", () => {
    for (const [command, text] of helps) expect(text, command).not.toContain("(default:");
    expect(helps.get("work create")).toContain(
      " --kind <kind> feature, bug, improvement or chore (default feature)",
    );
    expect(helps.get("impact")).toContain(" --depth <n> follow dependents this many edges away (default 10)");
    expect(helps.get("standards export")).toContain("hold the standards (default the current folder)");
    expect(helps.get("import codebase")).toContain(
      " path root of the repository (default the current folder)",
    );
    expect(helps.get("import git")).toContain(" root the repository (default the current folder)");
    expect(helps.get("import workspaces")).toContain(
      " root root of the monorepo (default the current folder)",
    );
    expect(helps.get("skills run")).toContain(
      "--input <json|@file> the skill's input as JSON, or @ and a JSON file (default {})",
    );
  });
});
