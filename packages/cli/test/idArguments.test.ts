/**
 * The command line's rule for every id argument (`<id>`, `<name>`, `<ids>`):
 * an id that names nothing is E_NOT_FOUND (exit 1) naming the argument and
 * the id; an empty one is malformed, E_USAGE (exit 2) naming the argument.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { type RunResult, runFactory } from "./runFactory.js";

let cwd: string;
/** Two runs of the bin per case, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

const firstLine = (result: RunResult) => result.stderr.split("\n")[0];

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-id-arguments-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** A command, its id argument, an id that names nothing, and its arguments with `ID` where the id goes. */
const ID = "{id}";
const cases: [string, string, string, string[]][] = [
  ["work show", "<id>", "wi_nope", ["work", "show", ID]],
  ["work advance", "<id>", "wi_nope", ["work", "advance", ID]],
  ["work back", "<id>", "wi_nope", ["work", "back", ID, "--reason", "redo"]],
  ["work block", "<id>", "wi_nope", ["work", "block", ID, "--reason", "waits"]],
  ["work unblock", "<id>", "wi_nope", ["work", "unblock", ID]],
  ["work drop", "<id>", "wi_nope", ["work", "drop", ID, "--reason", "gone"]],
  ["work complete", "<id>", "wi_nope", ["work", "complete", ID]],
  ["signal route", "<id>", "sig_nope", ["signal", "route", ID]],
  ["skills run", "<name>", "nope", ["skills", "run", ID]],
  ["skills export", "<name>", "nope", ["skills", "export", ID, "--to", "skills-out"]],
  ["knowledge show", "<id>", "doc_nope", ["knowledge", "show", ID]],
  ["knowledge revise", "<id>", "doc_nope", ["knowledge", "revise", ID, "--reason", "r", "--title", "t"]],
  ["knowledge retract", "<id>", "doc_nope", ["knowledge", "retract", ID, "--reason", "r"]],
  ["inbox read", "<ids>", "evt_nope", ["inbox", "read", ID, "--operator", "ana"]],
];

const withId = (args: string[], id: string) => args.map((arg) => (arg === ID ? id : arg));

describe("an id argument", () => {
  it.each(cases)(
    "of factory %s is E_NOT_FOUND naming %s when it names nothing, E_USAGE when empty",
    SLOW,
    async (_name, argument, id, args) => {
      const missing = await runFactory(["--dir", ".factory", ...withId(args, id)], { cwd });
      expect(firstLine(missing)).toMatch(new RegExp(`^error: E_NOT_FOUND: ${argument}: .*"${id}"`));
      expect(missing.code).toBe(1);

      const empty = await runFactory(["--dir", ".factory", ...withId(args, "")], { cwd });
      expect(firstLine(empty)).toBe(`error: E_USAGE: ${argument}: must not be empty (got "")`);
      expect(empty.code).toBe(2);
    },
  );
});

/** An id longer than any (100,000 characters), and how a refusal shows it: its first 60 characters and its length. */
const LONG = "x".repeat(100_000);
const LONG_SHOWN = `(got "${"x".repeat(60)}"... (100000 characters))`;

describe("an id longer than any, as an argument or a flag", () => {
  it.each([
    ...cases.map(([name, argument, , args]): [string, string, string[]] => [name, argument, args]),
    ["work assign", "<id>", ["work", "assign", ID, "--owner", "ana"]],
    ["work artifact", "<id>", ["work", "artifact", ID, "--kind", "design", "--title", "t"]],
    ["work link", "<from>", ["work", "link", ID, "REQ-1", "--type", "verifies"]],
    ["work link", "<to>", ["work", "link", "REQ-1", ID, "--type", "verifies"]],
    ["work review", "<link-id>", ["work", "review", ID, "--verdict", "keep"]],
    ["incident resolve", "<id>", ["incident", "resolve", ID]],
    ["knowledge link", "<id>", ["knowledge", "link", ID, "--type", "informs", "--target", "doc_1"]],
    ["check", "--rule", ["check", "--rule", ID]],
    ["context", "--work-item", ["context", "--work-item", ID]],
    ["deployment record", "--work-item", ["deployment", "record", "--work-item", ID]],
    ["deployment record", "--remediates", ["deployment", "record", "--remediates", ID]],
    ["incident open", "--deployment", ["incident", "open", "--deployment", ID, "Down"]],
    [
      "knowledge capture",
      "--supersedes",
      ["knowledge", "capture", "--kind", "note", "--title", "t", "--body", "b", "--supersedes", ID],
    ],
    ["work list", "--stage", ["work", "list", "--stage", ID]],
  ] as [string, string, string[]][])(
    "of factory %s is E_USAGE naming %s, quoting the id cut",
    SLOW,
    async (_name, argument, args) => {
      const run = await runFactory(["--dir", ".factory", ...withId(args, LONG)], { cwd });
      expect(run.stderr).toBe(
        `error: E_USAGE: ${argument}: an id is at most 200 characters ${LONG_SHOWN}\n(run with --help for usage)\n`,
      );
      expect(run.code).toBe(2);
    },
  );
});
