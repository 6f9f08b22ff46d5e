/**
 * `factory skills run --input` and `factory import issues` tell a refused
 * input in plain words, as the other flags do (`--mapping`, `--fields`):
 * the flag (or the file and line) and the field, then what it must be
 * (`must be a string, not a number`, `required (a string)`), not zod's
 * `Invalid input: expected string, received number` from the SDK's schemas.
 * The exit codes stay as docs/cli.md has them: 2 for a bad `--input`, 1 for a
 * file the import refuses, for an unknown skill and for an instruction skill.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { writeReleaseNotesSkill } from "./releaseNotesSkill.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** Each test runs the CLI several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
/** What a usage error adds after its first line. */
const USAGE = "(run with --help for usage)\n";

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-input-words-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  writeReleaseNotesSkill(cwd);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The error of each `skill.ran` event of the factory's log, read with the SDK. */
async function runErrors(): Promise<(string | undefined)[]> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    const events = await log.read({ types: ["skill.ran"] });
    return events.map((event) => (event.data as { error?: string }).error);
  } finally {
    await log.close();
  }
}

/** How many events the factory's log holds, read with the SDK. */
async function eventCount(): Promise<number> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    return (await log.read()).length;
  } finally {
    await log.close();
  }
}

describe("factory skills run --input refused by the skill's schema", () => {
  it("names --input and the field, says what it must be, shows the input, and exits 2", SLOW, async () => {
    const cases: [string[], string][] = [
      [["summarize-line", "--input", "{}"], "--input: line: required (a string) (got {})"],
      // No --input is the input {}.
      [["summarize-line"], "--input: line: required (a string) (got {})"],
      [
        ["summarize-line", "--input", '{"line":42}'],
        '--input: line: must be a string, not a number (got {"line":42})',
      ],
      [
        ["draft-requirement", "--input", '{"signal":["sig_1"]}'],
        '--input: signal: must be a string, not a list (got {"signal":["sig_1"]})',
      ],
      [
        ["review-item", "--input", '{"workItem":null}'],
        '--input: workItem: must be a string, not null (got {"workItem":null})',
      ],
      [["summarize-line", "--input", '{"line":""}'], '--input: line: must not be empty (got {"line":""})'],
      [
        ["summarize-line", "--input", '{"line":"checkout","lines":["x"]}'],
        '--input: unknown field "lines"; it takes line (got {"line":"checkout","lines":["x"]})',
      ],
      [["summarize-line", "--input", "[1,2]"], "--input: must be a JSON object, not a list (got [1,2])"],
      [["summarize-line", "--input", "null"], "--input: must be a JSON object, not null (got null)"],
      [
        ["summarize-line", "--input", '"checkout"'],
        '--input: must be a JSON object, not a string (got "checkout")',
      ],
    ];
    for (const [args, message] of cases) {
      const run = await factory("skills", "run", ...args);
      expect({ args, code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({
        args,
        code: 2,
        stderr: `error: E_USAGE: ${message}\n${USAGE}`,
        stdout: "",
      });
    }
    // Input that is not JSON was already told in these words; it still is.
    const notJson = await factory("skills", "run", "summarize-line", "--input", "{line}");
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^error: E_USAGE: --input: not valid JSON: /);
    // The runs are recorded with the SDK's message, which SDK and MCP callers read in the same words.
    const errors = await runErrors();
    expect(errors).toHaveLength(cases.length);
    expect(errors[2]).toBe("input of skill summarize-line is invalid: line: must be a string, not a number");
  });

  it("cuts a long input from a file after 200 characters, with its length", SLOW, async () => {
    writeFileSync(join(cwd, "input.json"), JSON.stringify({ line: 7, note: "n".repeat(300) }));
    const run = await factory("skills", "run", "summarize-line", "--input", "@input.json");
    expect(run.code).toBe(2);
    const shown = JSON.stringify({ line: 7, note: "n".repeat(300) }).slice(0, 200);
    expect(run.stderr).toBe(
      `error: E_USAGE: --input: unknown field "note"; it takes line (got ${shown}... (320 characters))\n${USAGE}`,
    );
  });
});

describe("factory skills run of a skill it cannot run", () => {
  it(
    "says an instruction skill is one, and how to use it; an unknown one as before; exit 1",
    SLOW,
    async () => {
      const instruction = await factory("skills", "run", "release-notes");
      expect(instruction.code).toBe(1);
      expect(instruction.stderr).toBe(
        "error: E_NOT_FOUND: <name>: release-notes is an instruction skill (a SKILL.md for a model to follow), not a runnable one; factory skills export release-notes --to <dir> writes it for an agent; runnable skills: draft-requirement, review-item, summarize-line\n",
      );
      const unknown = await factory("skills", "run", "no-such-skill");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(
        /^error: E_NOT_FOUND: <name>: no runnable skill "no-such-skill"; runnable skills: /,
      );
    },
  );
});

/** A `gh issue list --json` export, pretty-printed, whose issues 2 to 5 are of the wrong shape. */
const WRONG_SHAPES = `[
  {"number": 1, "title": "Refunds fail", "body": "", "labels": [], "state": "OPEN", "url": "https://github.com/acme/shop/issues/1"},
  {"number": "2", "title": 5, "body": "", "labels": [], "state": "OPEN", "url": "https://github.com/acme/shop/issues/2"},
  {"title": "No number", "labels": "bug", "state": "OPEN"},
  "an issue",
  {"number": 5, "title": "Labels", "labels": [{"name": 5}], "state": "OPEN", "url": "https://github.com/acme/shop/issues/5"}
]
`;

describe("factory import issues with records of the wrong shape", () => {
  it("names file:line, element and field, and says what each must be; exit 1", SLOW, async () => {
    const before = await eventCount();
    writeFileSync(join(cwd, "issues.json"), WRONG_SHAPES);
    const github = await factory("import", "issues", "issues.json", "--format", "github");
    expect(github.code).toBe(1);
    expect(github.stderr).toBe(
      "error: E_VALIDATION: GitHub issue export is invalid: " +
        [
          "issues.json:3 [1].number: must be a number, not a string",
          "issues.json:3 [1].title: must be a string, not a number",
          "issues.json:4 [2].number: required (a number)",
          "issues.json:4 [2].labels: must be a list, not a string",
          "issues.json:4 [2].url: required (a string)",
          "issues.json:5 [3]: must be a JSON object, not a string",
          // An index inside a record in brackets, as the record's own.
          "issues.json:6 [4].labels[0].name: must be a string, not a number",
        ].join("; ") +
        "\n",
    );
    // --json changes nothing about an error: the same line, on stderr.
    const json = await factory("--json", "import", "issues", "issues.json", "--format", "github");
    expect(json).toEqual({ code: 1, stdout: "", stderr: github.stderr });

    writeFileSync(
      join(cwd, "gitlab.json"),
      JSON.stringify([{ iid: 1, title: "Refunds", state: "opened", labels: [], web_url: "not a url" }]),
    );
    const gitlab = await factory("import", "issues", "gitlab.json", "--format", "gitlab");
    expect(gitlab.code).toBe(1);
    expect(gitlab.stderr).toBe(
      "error: E_VALIDATION: GitLab issue export is invalid: gitlab.json:1 [0].web_url: must be a URL\n",
    );

    // Records under a key, found with --records, are told the same way.
    writeFileSync(
      join(cwd, "found.json"),
      JSON.stringify({ total_count: 1, items: [{ number: 1, title: "x" }] }),
    );
    const found = await factory("import", "issues", "found.json", "--format", "github", "--records", "items");
    expect(found.code).toBe(1);
    expect(found.stderr).toBe(
      "error: E_VALIDATION: GitHub issue export is invalid: found.json:1 [0].state: required (a string); found.json:1 [0].url: required (a string)\n",
    );
    // Nothing was imported from any of them.
    expect(await eventCount()).toBe(before);
  });
});
