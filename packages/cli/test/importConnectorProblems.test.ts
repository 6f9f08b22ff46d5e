/**
 * An `import jsonl|junit|issues|git` that meets problems says so as `import
 * docs` does: exit 1, a first line `error: E_IMPORT_PROBLEMS: ...` on
 * standard error with the problems after it, the summary on standard output
 * (with `--json`, standard output only JSON and that one line on standard
 * error).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
const issue = (number: number, labels: string[]) => ({
  number,
  title: `Invoice issue ${number}`,
  body: "Rounding differs from the PDF.",
  labels: labels.map((name) => ({ name })),
  state: "OPEN",
  url: `https://github.com/app/app/issues/${number}`,
  author: { login: "support-bot" },
  createdAt: "2026-11-20T09:00:00Z",
});

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-connector-problems-"));
  expect((await factory("init")).code).toBe(0);
  // Issue 2 names a line the (empty) floor plan lacks: one problem, both captured as signals.
  writeFileSync(join(cwd, "issues.json"), JSON.stringify([issue(1, ["bug"]), issue(2, ["line:ghost"])]));
}, 240_000);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import issues with problems", () => {
  it("exits 1 with E_IMPORT_PROBLEMS first on stderr, the problems after it, the summary on stdout", async () => {
    const imported = await factory("import", "issues", "issues.json", "--format", "github");
    expect(imported.code).toBe(1);
    const errors = imported.stderr.trimEnd().split("\n");
    expect(errors[0]).toBe(
      "error: E_IMPORT_PROBLEMS: issues.json: 1 problem; the records they name were not imported, the others were (listed below)",
    );
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/^github app\/app#2 problem label names line "ghost"/);
    expect(imported.stdout).not.toContain(" problem ");
    expect(imported.stdout).toContain("issues.json: 2 created, 0 updated, 0 unchanged, 0 skipped, 1 problem");
  });

  it("with --json keeps stdout JSON only and writes just the E_IMPORT_PROBLEMS line on stderr", async () => {
    const imported = await factory("import", "issues", "issues.json", "--format", "github", "--json");
    expect(imported.code).toBe(1);
    expect(imported.stderr).toBe(
      "error: E_IMPORT_PROBLEMS: issues.json: 1 problem; the records they name were not imported, the others were (listed under problems)\n",
    );
    const summary = JSON.parse(imported.stdout) as { unchanged: number; problems: { item: string }[] };
    expect(summary.unchanged).toBe(2);
    expect(summary.problems.map((problem) => problem.item)).toEqual(["github app/app#2"]);
  });
});
