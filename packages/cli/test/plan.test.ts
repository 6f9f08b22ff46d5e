import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-plan-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** SHOP_YAML with the search line left out. */
const WITHOUT_SEARCH = SHOP_YAML.slice(0, SHOP_YAML.indexOf("  - id: search"));

describe("factory plan check", () => {
  it("rejects an empty file, naming it, and a file without version", SLOW, async () => {
    writeFileSync(join(cwd, "empty.yaml"), "");
    const empty = await factory("plan", "check", "empty.yaml");
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain("empty.yaml:1:1 error empty.yaml holds no floor plan");
    expect(empty.stdout).toContain("empty.yaml: 1 error, 0 warnings");
    writeFileSync(join(cwd, "unversioned.yaml"), SHOP_YAML.replace("version: 1\n", ""));
    const unversioned = await factory("plan", "check", "unversioned.yaml", "--json");
    expect(unversioned.code).toBe(1);
    expect(JSON.parse(unversioned.stdout).problems).toMatchObject([
      { path: "version", message: 'missing required field "version"' },
    ]);
  });

  it("reports schema errors and the reference errors of the parts that parse in one run", SLOW, async () => {
    writeFileSync(
      join(cwd, "bad.yaml"),
      [
        "version: 1",
        "operators:",
        "  - id: ana",
        "lines:",
        "  - id: Bad Id",
        "    owner: ana",
        "  - id: a",
        "    owner: bob",
        "    wipLimit: -1",
        "  - id: a",
        "    owner: ana",
        "    dependsOn: [nope]",
        "",
      ].join("\n"),
    );
    const result = await factory("plan", "check", "bad.yaml", "--json");
    expect(result.code).toBe(1);
    const problems = JSON.parse(result.stdout).problems as { line: number; code: string }[];
    expect(problems.map((problem) => `${problem.line} ${problem.code}`)).toEqual([
      "5 schema",
      "8 unknown-owner",
      "9 schema",
      "10 duplicate-id",
      "12 missing-line",
    ]);
  });

  it("says there is no file, with exit code 1", SLOW, async () => {
    const missing = await factory("plan", "check", "missing.yaml");
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe("error: E_NOT_FOUND: no file missing.yaml");
  });
});

describe("factory plan apply", () => {
  it(
    "refuses to remove every line unless --allow-remove-all-lines, and removes some lines freely",
    SLOW,
    async () => {
      expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
      writeFileSync(join(cwd, "empty.yaml"), "");
      const empty = await factory("plan", "apply", "empty.yaml");
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(
        /^error: E_VALIDATION: empty\.yaml is invalid:\n.*empty\.yaml holds no floor plan/,
      );

      writeFileSync(join(cwd, "bare.yaml"), "version: 1\n");
      const refused = await factory("plan", "apply", "bare.yaml");
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(
        "bare.yaml: would remove lines checkout, payments, search; operators ana, bo",
      );
      expect(refused.stderr).toContain(
        "error: E_REMOVE_ALL_LINES: bare.yaml declares no lines: applying it would remove all 3 lines of the floor plan; pass --allow-remove-all-lines",
      );
      const lines = async () =>
        JSON.parse((await factory("floorplan", "--json")).stdout).plan.lines.map(
          (line: { id: string }) => line.id,
        );
      expect(await lines()).toEqual(["checkout", "payments", "search"]);

      writeFileSync(join(cwd, "smaller.yaml"), WITHOUT_SEARCH);
      const smaller = await factory("plan", "apply", "smaller.yaml");
      expect(smaller.code).toBe(0);
      expect(smaller.stdout).toContain("smaller.yaml: removes lines search");
      expect(await lines()).toEqual(["checkout", "payments"]);

      const allowed = await factory("plan", "apply", "bare.yaml", "--allow-remove-all-lines", "--json");
      expect(allowed.code).toBe(0);
      expect(JSON.parse(allowed.stdout)).toMatchObject({
        applied: true,
        removed: { lines: ["checkout", "payments"] },
      });
      expect(await lines()).toEqual([]);
    },
  );

  it(
    "with --dry-run lists what would be removed and the open work of those lines, changing nothing",
    SLOW,
    async () => {
      await factory("plan", "apply", "factory.yaml");
      const created = await factory("work", "create", "--line", "search", "Typo tolerance", "--json");
      expect(created.code).toBe(0);
      const item = JSON.parse(created.stdout).id as string;
      writeFileSync(join(cwd, "smaller.yaml"), WITHOUT_SEARCH);
      const dry = await factory("plan", "apply", "smaller.yaml", "--dry-run");
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("smaller.yaml: would remove lines search");
      expect(dry.stdout).toContain(`warning line search has 1 open work item (${item})`);
      expect(dry.stdout).toContain("smaller.yaml: dry run: would make");
      const json = JSON.parse((await factory("plan", "apply", "smaller.yaml", "--dry-run", "--json")).stdout);
      expect(json).toMatchObject({ applied: false, dryRun: true, removed: { openWork: { search: [item] } } });
      expect(json.changes).toBeGreaterThan(0);
      const plan = JSON.parse((await factory("floorplan", "--json")).stdout).plan;
      expect(plan.lines.map((line: { id: string }) => line.id)).toContain("search");
    },
  );
});

describe("factory plan apply --dry-run on a factory that does not exist", () => {
  it("previews into an empty factory in memory and creates nothing", SLOW, async () => {
    const dry = await runFactory(["--dir", "dry", "plan", "apply", "factory.yaml", "--dry-run", "--json"], {
      cwd,
    });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ applied: false, dryRun: true });
    expect(JSON.parse(dry.stdout).changes).toBeGreaterThan(0);
    expect(readdirSync(cwd).sort()).toEqual(["factory.yaml"]);
  });
});

describe("factory init --plan", () => {
  it("creates nothing when the plan is invalid or missing", SLOW, async () => {
    writeFileSync(join(cwd, "bad.yaml"), "version: 1\nlines:\n  - id: a\n    owner: nobody\n");
    const bad = await factory("init", "--plan", "bad.yaml", "--dir", "newf");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown owner "nobody"');
    // plan apply reports an invalid file as init does: the error line first, on stderr.
    const applied = await factory("plan", "apply", "bad.yaml", "--dir", "newf");
    expect(applied.code).toBe(1);
    expect(applied.stderr.split("\n").slice(0, 2)).toEqual([
      "error: E_VALIDATION: bad.yaml is invalid:",
      expect.stringMatching(/^bad\.yaml:4:12 error unknown owner "nobody"/),
    ]);
    expect(applied.stdout).toBe("");
    const missing = await factory("init", "--plan", "missing.yaml", "--dir", "newf");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no file missing.yaml");
    expect(existsSync(join(cwd, "newf"))).toBe(false);
    const good = await factory("init", "--plan", "factory.yaml", "--dir", "newf");
    expect(good.code).toBe(0);
    expect(existsSync(join(cwd, "newf", "factory.db"))).toBe(true);
  });
});
