/**
 * An import refused for its input creates no factory: the repository, the
 * flags and the source are checked (or the import is run on an empty factory
 * in memory) before the factory is created, and the error names the folder
 * and the flag or argument. `--out` proposes a plan without creating one.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

/** A folder in no git repository, with a git repository `repo/` and a few sources in it. */
let cwd: string;
/** The bin runs once per case, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

const JUNIT = `<testsuites><testsuite name="s"><testcase name="works" classname="a"/></testsuite></testsuites>`;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-import-creates-nothing-"));
  // A temporary folder inside someone's repository would not test "outside git".
  expect(() => execFileSync("git", ["rev-parse", "--git-dir"], { cwd, stdio: "ignore" })).toThrow();
  mkdirSync(join(cwd, "repo"));
  execFileSync("git", ["init", "--quiet"], { cwd: join(cwd, "repo") });
  execFileSync(
    "git",
    [
      "-c",
      "user.name=Ana",
      "-c",
      "user.email=ana@example.com",
      "commit",
      "--quiet",
      "--allow-empty",
      "-m",
      "x",
    ],
    { cwd: join(cwd, "repo") },
  );
  writeFileSync(join(cwd, "bad.xml"), "<testsuites");
  writeFileSync(join(cwd, "junit.xml"), JUNIT);
  writeFileSync(join(cwd, "issues.json"), "not json");
  writeFileSync(join(cwd, "CODEOWNERS"), "/src/ @ana\n");
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("an import refused for its input", () => {
  it.each([
    [
      ["import", "git"],
      2,
      /^error: E_USAGE: <root>: \/.*factory-import-creates-nothing-\w+ is in no git repository \(fatal: not a git repository.*\); give the repository's folder/,
    ],
    [
      ["import", "git", "--range", "main~5..main"],
      2,
      /^error: E_USAGE: <root>: \/.* is in no git repository/,
    ],
    [
      ["import", "git", "repo", "--since", "lately"],
      2,
      /^error: E_USAGE: --since: expected an ISO date .* \(got "lately"\)\n/,
    ],
    [
      ["import", "git", "repo", "--range", "nope..HEAD"],
      2,
      /^error: E_USAGE: --range: git log failed: fatal: bad revision 'nope\.\.HEAD'\n/,
    ],
    [
      ["import", "codebase", ".", "--since", "30d"],
      2,
      /^error: E_USAGE: --since: \/.* is in no git repository .*; it reads owners from git history; leave out --since\n/,
    ],
    [
      ["import", "codebase", ".", "--max-commits", "50"],
      2,
      /^error: E_USAGE: --max-commits: \/.* is in no git repository/,
    ],
    [
      ["import", "codebase", "junit.xml"],
      1,
      /^error: E_NOT_FOUND: cannot import codebase: junit\.xml is not a folder\n/,
    ],
    [
      ["import", "codebase", ".", "--mermaid", "missing/plan.mmd"],
      1,
      /^error: E_NOT_FOUND: --mermaid: no folder \/.*missing\n/,
    ],
    [["import", "codebase", ".", "--mermaid", ""], 2, /^error: E_USAGE: --mermaid: must not be empty/],
    [
      ["import", "codebase", ".", "--mermaid", "repo"],
      2,
      /^error: E_USAGE: --mermaid: repo is a folder; give the path of the file to write\n/,
    ],
    [["import", "junit", "bad.xml"], 1, /^error: E_VALIDATION: JUnit report is invalid: bad\.xml:1:1/],
    [
      ["import", "junit", "junit.xml", "--work-item", "wi_nope"],
      1,
      /^error: E_NOT_FOUND: --work-item: no work item "wi_nope"/,
    ],
    [["import", "junit", "junit.xml", "--run-id", " "], 2, /^error: E_USAGE: --run-id: /],
    [
      ["import", "issues", "issues.json", "--format", "github"],
      1,
      /^error: E_VALIDATION: GitHub issue export is invalid: issues\.json \(root\): not valid JSON/,
    ],
    [
      ["import", "workspaces"],
      1,
      /^error: E_NOT_FOUND: <root>: no package\.json nor pnpm-workspace\.yaml in \./,
    ],
  ])(
    "factory %j exits %i naming what was wrong, and creates no factory",
    SLOW,
    async (args, code, message) => {
      const run = await runFactory(["--dir", ".factory", ...args], { cwd });

      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(code);
      expect(existsSync(join(cwd, ".factory"))).toBe(false);
    },
  );

  it("imports into the new factory once the input is good", SLOW, async () => {
    const run = await runFactory(["--dir", ".factory", "import", "junit", "junit.xml", "--json"], { cwd });
    try {
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ created: 1 });
      expect(existsSync(join(cwd, ".factory", "factory.db"))).toBe(true);
    } finally {
      rmSync(join(cwd, ".factory"), { recursive: true, force: true });
    }
  });
});

describe("a floor plan import with --out", () => {
  it("writes the proposed plan and creates no factory", SLOW, async () => {
    const run = await runFactory(
      ["--dir", ".factory", "import", "codeowners", "CODEOWNERS", "--out", "plan.yaml"],
      {
        cwd,
      },
    );

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(existsSync(join(cwd, "plan.yaml"))).toBe(true);
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
  });

  it("refuses an --out it cannot write, naming the flag, and creates nothing", SLOW, async () => {
    const plan = (out: string) =>
      runFactory(["--dir", ".factory", "import", "codeowners", "CODEOWNERS", "--out", out], { cwd });
    const noFolder = await plan(join("nope", "plan.yaml"));
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toBe(`error: E_NOT_FOUND: --out: no folder ${join(cwd, "nope")}\n`);
    mkdirSync(join(cwd, "plans"), { recursive: true });
    const folder = await plan("plans");
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(
      /^error: E_USAGE: --out: plans is a folder; give the path of the file to write\n/,
    );
    const empty = await plan("");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^error: E_USAGE: --out: must not be empty/);
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
  });
});
