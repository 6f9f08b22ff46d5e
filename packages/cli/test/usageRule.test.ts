/**
 * The command line's one rule for bad input, command by command: what the
 * user typed that is malformed (empty, blank, refused as typed) is E_USAGE,
 * exit 2, naming the flag or argument, and writes nothing; an id or a file
 * that names nothing is E_NOT_FOUND, exit 1, naming the flag. A move the
 * item's state does not allow stays the library's refusal (exit 1).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

let cwd: string;
let item: string;
let signal: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 300_000 };

/** The first line of standard error: the code and the message, as scripts read it. */
const firstLine = (result: RunResult) => result.stderr.split("\n")[0];

/** The factory's work items, documents and signals as `--json` lists them, to show a refusal wrote nothing. */
async function contents(): Promise<unknown[]> {
  const read = async (...args: string[]) => JSON.parse((await factory(...args, "--json")).stdout) as unknown;
  return [await read("work", "list"), await read("knowledge", "list")];
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-usage-rule-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
  const created = await factory("work", "create", "--line", "payments", "Fix refunds", "--json");
  item = (JSON.parse(created.stdout) as { id: string }).id;
  expect((await factory("work", "advance", item)).code).toBe(0);
  const captured = await factory("signal", "capture", "--source", "support", "refunds fail", "--json");
  signal = (JSON.parse(captured.stdout) as { id: string }).id;
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a malformed value on the command line", () => {
  it("is E_USAGE, exit 2, naming the flag or argument, and writes nothing", SLOW, async () => {
    const before = await contents();
    const cases: [args: string[], message: string][] = [
      [["work", "create", "--line", "payments", ""], "error: E_USAGE: <title>: title must not be empty"],
      [["work", "block", item, "--reason", " "], "error: E_USAGE: --reason: a reason is required"],
      [["work", "drop", item, "--reason", ""], "error: E_USAGE: --reason: a reason is required"],
      [["work", "back", item, "--reason", "  "], "error: E_USAGE: --reason: a reason is required"],
      [
        ["work", "back", item, "--reason", "scope", "--to", "release"],
        'error: E_USAGE: --to: stage "release" is not before "requirements"',
      ],
      [
        ["work", "back", item, "--reason", "scope", "--to", "nope"],
        'error: E_USAGE: --to: stage "nope" is not a stage of flow "standard" (intake, requirements, implementation, testing, release, operate)',
      ],
      [
        ["work", "advance", item, "--override-wip", ""],
        "error: E_USAGE: --override-wip: a reason is required",
      ],
      [
        ["work", "back", item, "--reason", "scope", "--override-wip", ""],
        "error: E_USAGE: --override-wip: a reason is required",
      ],
      [["work", "list", "--line", ""], 'error: E_USAGE: --line: must not be empty (got "")'],
      [["impact", ""], "error: E_USAGE: <paths>: [0]: a path must not be empty"],
      [["impact", "--since", ""], 'error: E_USAGE: --since: "" is not a git ref'],
      [["import", "docs", ""], "error: E_USAGE: <dir>: must not be empty"],
      [["import", "git", ".", "--range", ""], "error: E_USAGE: --range: "],
      [["knowledge", "capture", "--kind", "note", "--title", "", "--body", "b"], "error: E_USAGE: --title: "],
      [
        ["knowledge", "capture", "--kind", "note", "--title", "t", "--body", "b", "--tag", "two words"],
        'error: E_USAGE: --tag: tags are words without spaces (got "two words")',
      ],
      [
        ["knowledge", "revise", "doc_nope", "--reason", "r", "--tag", "ok", "--tag", "two words"],
        'error: E_USAGE: --tag: tags are words without spaces (got "two words")',
      ],
      [["signal", "route", signal, "--to", ""], "error: E_USAGE: --to: "],
      [["skills", "run", "summarize-line", "--input", "@"], "error: E_USAGE: --input: must not be empty"],
    ];
    for (const [args, message] of cases) {
      const result = await factory(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(firstLine(result), args.join(" ")).toContain(message);
    }
    expect(await contents()).toEqual(before);
  });
});

describe("a name on the command line that names nothing", () => {
  it("is E_NOT_FOUND, exit 1, naming the flag", SLOW, async () => {
    const before = await contents();
    const cases: [args: string[], line: string][] = [
      [
        ["skills", "run", "summarize-line", "--input", "@missing.json"],
        "error: E_NOT_FOUND: --input: no file missing.json",
      ],
      [
        ["knowledge", "capture", "--kind", "note", "--title", "t", "--body", "b", "--supersedes", "doc_nope"],
        'error: E_NOT_FOUND: --supersedes: no document "doc_nope" (see factory knowledge list)',
      ],
      [
        ["signal", "route", signal, "--to", "nope"],
        'error: E_NOT_FOUND: --to: no line "nope" in this factory',
      ],
    ];
    for (const [args, line] of cases) {
      const result = await factory(...args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(firstLine(result), args.join(" ")).toBe(line);
    }
    expect(await contents()).toEqual(before);
  });
});

describe("a move the item's state does not allow", () => {
  it("stays the library's refusal, exit 1", SLOW, async () => {
    const result = await factory("work", "unblock", item, "--reason", "");
    expect(result.code).toBe(1);
    expect(firstLine(result)).toMatch(/^error: E_ILLEGAL_TRANSITION: cannot unblock work item/);
  });
});
