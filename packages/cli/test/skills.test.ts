import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { writeReleaseNotesSkill } from "./releaseNotesSkill.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-skills-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  writeReleaseNotesSkill(cwd);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The `skill.ran` events of the factory's log, read with the SDK. */
async function skillRuns(): Promise<{ subject: string; actor: string; outcome: string }[]> {
  const log = await openEventLog({ path: join(cwd, ".factory", "factory.db") });
  try {
    const events = await log.read({ types: ["skill.ran"] });
    return events.map((event) => ({
      subject: event.subject,
      actor: event.actor,
      outcome: (event.data as { outcome: string }).outcome,
    }));
  } finally {
    await log.close();
  }
}

describe("factory skills", () => {
  it(
    "lists the built-in skills and the folder's instruction skills with kind and description",
    SLOW,
    async () => {
      const text = await factory("skills", "list");
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/summarize-line\s+runnable\s+Summarize a line's state/);
      expect(text.stdout).toMatch(/release-notes\s+instruction\s+Write release notes/);
      const json = await factory("skills", "list", "--json");
      const skills = JSON.parse(json.stdout) as { name: string; kind: string; inputSchema?: unknown }[];
      expect(skills.find((skill) => skill.name === "release-notes")).toMatchObject({
        kind: "instruction",
        description: "Write release notes from the work items done since the last release.",
        instructions: true,
      });
      expect(skills.find((skill) => skill.name === "summarize-line")).toMatchObject({
        kind: "runnable",
        inputSchema: { type: "object", required: ["line"] },
      });
    },
  );

  it(
    "lists the skills that load and warns about a folder that does not, while other commands still work",
    SLOW,
    async () => {
      mkdirSync(join(cwd, ".factory", "skills", "mismatch"), { recursive: true });
      writeFileSync(
        join(cwd, ".factory", "skills", "mismatch", "SKILL.md"),
        "---\nname: other-name\ndescription: Wrong name.\n---\nBody.\n",
      );

      const listed = await factory("skills", "list");

      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/release-notes\s+instruction/);
      expect(listed.stdout).not.toContain("mismatch");
      expect(listed.stderr).toMatch(
        /warning: skill "mismatch" not loaded:\n.*mismatch\/SKILL\.md:2:7: name: /,
      );
      expect((await factory("work", "list")).code).toBe(0);
      const run = await factory("skills", "run", "mismatch");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/skill "mismatch" failed to load/);
    },
  );

  it("runs a skill with inline or file input, prints its output, and records the run", SLOW, async () => {
    const text = await factory("skills", "run", "summarize-line", "--input", '{"line":"payments"}');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("line: payments");
    expect(text.stdout).toContain("Owner: bo");
    writeFileSync(join(cwd, "input.json"), JSON.stringify({ line: "checkout" }));
    const json = await factory("skills", "run", "summarize-line", "--input", "@input.json", "--json");
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      skill: "summarize-line",
      output: { line: "checkout", summary: expect.stringContaining("depends on: payments") },
      durationMs: expect.any(Number),
    });
    expect(await skillRuns()).toEqual([
      { subject: "summarize-line", actor: "tester", outcome: "ok" },
      { subject: "summarize-line", actor: "tester", outcome: "ok" },
    ]);
  });

  it(
    "exits 2 naming the field when the input is not JSON or fails the skill's schema, 1 when its file is missing",
    SLOW,
    async () => {
      const notJson = await factory("skills", "run", "summarize-line", "--input", "{line: payments}");
      expect(notJson.code).toBe(2);
      expect(notJson.stderr).toContain("--input: not valid JSON");
      const missingFile = await factory("skills", "run", "summarize-line", "--input", "@nope.json");
      expect(missingFile.code).toBe(1);
      expect(missingFile.stderr).toContain("E_NOT_FOUND: --input: no file nope.json");
      const wrongType = await factory("skills", "run", "summarize-line", "--input", '{"line":42}');
      expect(wrongType.code).toBe(2);
      expect(wrongType.stderr).toMatch(
        /E_USAGE: --input: line: must be a string, not a number \(got \{"line":42\}\)\n/,
      );
      const missing = await factory("skills", "run", "summarize-line");
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("line:");
      // Refused inputs are recorded as such; the bad JSON never reached the skill.
      expect((await skillRuns()).map((run) => run.outcome)).toEqual(["invalid-input", "invalid-input"]);
    },
  );

  it(
    "exits 1 with the error's code when the skill is unknown, instruction-only, or names a line that does not exist",
    SLOW,
    async () => {
      const unknown = await factory("skills", "run", "no-such-skill");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no runnable skill "no-such-skill"');
      const instruction = await factory("skills", "run", "release-notes");
      expect(instruction.code).toBe(1);
      const failed = await factory("skills", "run", "summarize-line", "--input", '{"line":"nowhere"}');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('error: E_NOT_FOUND: --input: line: no line "nowhere"');
      // A NotFoundError is the caller's mistake, recorded as invalid input, not as the skill failing.
      expect((await skillRuns()).map((run) => run.outcome)).toEqual(["invalid-input"]);
    },
  );
});
