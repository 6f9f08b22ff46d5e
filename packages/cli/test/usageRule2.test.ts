/**
 * The command line's rule for bad input, for what was left: an empty id, name
 * or file argument is E_USAGE (exit 2) naming the argument before anything is
 * looked up; an empty `--tag` or `--rule` filter is E_USAGE naming the flag
 * instead of an empty answer; a work item that `context --work-item` names
 * nothing is E_NOT_FOUND naming the flag; a range git cannot read is told
 * without a file it never came from.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importGitCommits, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin many times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 600_000 };

/** The first line of standard error: the code and the message, as scripts read it. */
const firstLine = (result: RunResult) => result.stderr.split("\n")[0];

/** The factory's work items, documents and inbox as `--json` lists them, to show a refusal wrote nothing. */
async function contents(): Promise<unknown[]> {
  const read = async (...args: string[]) => JSON.parse((await factory(...args, "--json")).stdout) as unknown;
  return [await read("work", "list"), await read("knowledge", "list", "--all")];
}

/** Runs git in the test's folder, as a fixed author. */
function git(...args: string[]): void {
  execFileSync("git", args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "Ana",
      GIT_AUTHOR_EMAIL: "ana@example.com",
      GIT_COMMITTER_NAME: "Ana",
      GIT_COMMITTER_EMAIL: "ana@example.com",
    },
  });
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-usage-rule2-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  git("init", "--quiet");
  git("add", "factory.yaml");
  git("commit", "--quiet", "-m", "plan");
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
  const captured = await factory("knowledge", "capture", "--kind", "note", "--title", "t", "--body", "b");
  expect(captured.code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("an empty argument that names something", () => {
  it("is E_USAGE, exit 2, naming the argument, and nothing is looked up or written", SLOW, async () => {
    const before = await contents();
    const cases: [args: string[], line: string][] = [
      [["knowledge", "show", ""], '<id>: must not be empty (got "")'],
      [["knowledge", "revise", "", "--reason", "r", "--title", "x"], '<id>: must not be empty (got "")'],
      [["knowledge", "retract", " ", "--reason", "r"], '<id>: must not be empty (got " ")'],
      [["signal", "route", ""], '<id>: must not be empty (got "")'],
      [["work", "show", ""], '<id>: must not be empty (got "")'],
      [["work", "advance", ""], '<id>: must not be empty (got "")'],
      [["work", "back", "", "--reason", "r"], '<id>: must not be empty (got "")'],
      [["work", "block", "", "--reason", "r"], '<id>: must not be empty (got "")'],
      [["work", "unblock", ""], '<id>: must not be empty (got "")'],
      [["work", "drop", "", "--reason", "r"], '<id>: must not be empty (got "")'],
      [["work", "complete", ""], '<id>: must not be empty (got "")'],
      [["skills", "run", ""], '<name>: must not be empty (got "")'],
      [["skills", "export", "", "--to", "skills"], '<name>: must not be empty (got "")'],
      [["inbox", "read", "ntf_1", ""], '<ids>: must not be empty (got "")'],
      [["plan", "check", ""], '<factory.yaml>: must not be empty (got "")'],
      [["plan", "apply", ""], '<factory.yaml>: must not be empty (got "")'],
      [["import", "junit", ""], '<file>: must not be empty (got "")'],
      [["import", "git", ""], '<root>: must not be empty (got "")'],
    ];
    for (const [args, message] of cases) {
      const result = await factory(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(firstLine(result), args.join(" ")).toBe(`error: E_USAGE: ${message}`);
    }
    expect(await contents()).toEqual(before);
  });
});

describe("an empty filter", () => {
  it("is E_USAGE naming the flag instead of an empty answer", SLOW, async () => {
    const cases: [args: string[], line: string][] = [
      [["knowledge", "list", "--tag", ""], '--tag: must not be empty (got "")'],
      [["search", "x", "--tag", "ops", "--tag", " "], '--tag: must not be empty (got " ")'],
      [["check", "--rule", ""], '--rule: must not be empty (got "")'],
    ];
    for (const [args, message] of cases) {
      const result = await factory(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(firstLine(result), args.join(" ")).toBe(`error: E_USAGE: ${message}`);
    }
  });
});

describe("a work item the context pack names that the factory does not have", () => {
  it("is E_NOT_FOUND naming --work-item", SLOW, async () => {
    const result = await factory("context", "--work-item", "wi_nope");
    expect(result.code).toBe(1);
    expect(firstLine(result)).toBe(
      'error: E_NOT_FOUND: --work-item: no work item "wi_nope" (see factory work list)',
    );
  });
});

describe("a range git cannot read", () => {
  it("names the range alone, from the SDK and from factory import git", SLOW, async () => {
    const opened = await openFactory({ dir: join(cwd, ".factory") });
    try {
      await expect(importGitCommits(opened, { root: cwd, range: "nope..HEAD" })).rejects.toMatchObject({
        _tag: "ValidationError",
        message: expect.stringMatching(/^git import options is invalid: range: git log failed: /),
        issues: [{ path: "range", message: expect.stringMatching(/^git log failed: /) }],
      });
    } finally {
      await opened.close();
    }
    const result = await factory("import", "git", ".", "--range", "nope..HEAD");
    expect(result.code).toBe(2);
    expect(firstLine(result)).toMatch(/^error: E_USAGE: --range: git log failed: fatal: bad revision/);
  });
});
