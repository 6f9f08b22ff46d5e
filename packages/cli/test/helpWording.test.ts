/**
 * The same flag reads the same in every command's `--help`: `--as-of` takes a
 * `<when>` in each command that has it, `--line` a `<line>`, `--operator` an
 * `<operator>`, a point in time lists the same forms, a `-n, --limit` says its
 * range when it has one, and a command's description starts in lower case
 * like all the others.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
/** The help of a command, an option's lines joined again where commander wrapped them, spaces single. */
const help = async (...command: string[]) => {
  const run = await runFactory([...command, "--help"], { cwd });
  expect(run.code, command.join(" ")).toBe(0);
  return run.stdout.replace(/\n {3,}/g, " ").replace(/ {2,}/g, " ");
};

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-help-wording-"));
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const FORMS =
  "a date (2026-03-01, midnight UTC), an instant (2026-03-01T09:00:00Z) or a span back (30d, 12h, 2w)";

describe("factory --help wording", () => {
  it("names the value of --as-of <when> in every command that takes it", async () => {
    for (const command of [["who-owns"], ["impact"], ["knowledge", "show"]])
      expect(await help(...command), command.join(" ")).toMatch(/ --as-of <when> /);
  });

  it("lists the same forms of a point in time for --as-of and metrics --since", async () => {
    expect(await help("who-owns")).toContain(FORMS);
    expect(await help("impact")).toContain(FORMS);
    expect(await help("knowledge", "show")).toContain(`--as-of <when> as it read then: ${FORMS}`);
    const metrics = await help("metrics");
    expect(metrics).toContain(`--since <when> start of the window: ${FORMS}`);
    expect(metrics).toContain("--until <when> end of the window, excluded, in the forms of --since");
  });

  it("names a line of the floor plan <line> in context and the imports as elsewhere", async () => {
    for (const command of [["context"], ["metrics"], ["import", "junit"], ["import", "issues"]])
      expect(await help(...command), command.join(" ")).toMatch(/ --line <line> /);
  });

  it("names an operator <operator> in inbox as metrics and work create do", async () => {
    expect(await help("inbox")).toMatch(/ --operator <operator> /);
    expect(await help("inbox", "read")).toMatch(/--operator <operator>\s+as\s+for\s+factory\s+inbox/);
    expect(await help("metrics")).toMatch(/ --operator <operator> /);
    expect(await help("work", "create")).toMatch(/ --owner <operator> /);
  });

  it("says the default and range of search -n as signal route and inbox say theirs, and holds to it", async () => {
    expect(await help("search")).toContain("-n, --limit <n> hits to show (default 10, at most 200)");
    expect(await help("signal", "route")).toContain(
      "-n, --limit <n> candidates to show (default 3, at most 100)",
    );
    expect(await help("inbox")).toContain("-n, --limit <n> show the newest n (default 50, at most 500)");
    expect(await help("context")).toContain("(default 1500, at most 20000)");
    const over = await runFactory(["search", "-n", "201", "refunds"], { cwd });
    expect(over.code).toBe(2);
    expect(over.stderr).toContain("--limit: must be at most 200");
  });

  it("starts every command's description in lower case", async () => {
    const top = await help();
    const listed = top.split("Commands:")[1] ?? "";
    const commands = [...listed.matchAll(/^ ([a-z-]+) /gm)]
      .map((match) => match[1] ?? "")
      .filter((name) => name !== "help");
    expect(commands).toContain("demo");
    for (const name of commands) {
      const description = (await help(name)).split("\n\n")[1] ?? "";
      expect(description, name).toMatch(/^[a-z]/);
    }
  });
});
