import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, ValidationError } from "@software-factory/core";
import {
  buildFloorGraph,
  loadFactoryYaml,
  type PlanProblem,
  parseFactoryYaml,
  planOf,
  planToYaml,
  safeLoadFactoryYaml,
  safeParseFactoryYaml,
  saveFactoryYaml,
  toPlan,
  validatePlan,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const GOOD = `# The shop's floor plan.
version: 1
product: {id: shop, name: Shop}
operators:
  - id: alice # payments lead
    name: Alice
  - id: bob
    roles: [line, field]
domains:
  - id: commerce
lines:
  # Money moves here.
  - id: payments
    domain: commerce
    owner: alice
    paths: [/packages/payments/]
  - id: checkout
    domain: commerce
    owner: bob
    paths: [/packages/checkout/]
    dependsOn:
      - payments
      - {line: payments-ui, kind: ui, criticality: low}
  - id: payments-ui
    owner: alice
`;

describe("parseFactoryYaml", () => {
  it("parses a plan, expanding shorthand dependencies and defaults", () => {
    const plan = parseFactoryYaml(GOOD);
    expect(plan.lines.map((line) => line.id)).toEqual(["payments", "checkout", "payments-ui"]);
    expect(plan.lines[1]?.dependsOn).toEqual([
      { line: "payments", kind: "api", criticality: "medium" },
      { line: "payments-ui", kind: "ui", criticality: "low" },
    ]);
    expect(plan.operators[0]?.roles).toEqual(["line"]);
  });

  it("reads the same plan whether or not the text uses anchors (which take the positioned parse)", () => {
    const anchored = GOOD.replace(
      "  - id: payments\n    domain: commerce",
      "  - id: payments\n    domain: &area commerce",
    ).replace("  - id: checkout\n    domain: commerce", "  - id: checkout\n    domain: *area");
    expect(anchored).toContain("*area");

    expect(parseFactoryYaml(anchored)).toEqual(parseFactoryYaml(GOOD));
    const result = safeParseFactoryYaml(GOOD);
    expect(result.success && result.document.toJS().lines.length).toBe(3);
  });

  it("reads YAML 1.2 scalars as the positioned parse does: dates and yes/no stay text", () => {
    const plan = parseFactoryYaml(
      GOOD.replace("name: Alice", "name: 2026-01-01").replace("name: Shop", "name: yes"),
    );
    expect(plan.operators[0]?.name).toBe("2026-01-01");
    expect(plan.product?.name).toBe("yes");
  });

  it("rejects a line with two owners, pointing at the owner field", () => {
    const text = GOOD.replace("    owner: bob\n", "    owner: [bob, alice]\n");
    const result = safeParseFactoryYaml(text, "factory.yaml");
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.problems).toMatchObject([
      { path: "lines[1].owner", file: "factory.yaml", line: 19, column: 12 },
    ]);
    expect(result.problems[0]?.message).toMatch(/exactly one accountable owner, got 2/);
    expect(result.error.message).toContain("factory.yaml:19:12");
  });

  it("reports every problem at once with file:line:column and a hint", () => {
    const text = GOOD.replace("    owner: bob\n", "    owner: bobb\n")
      .replace("      - payments\n", "      - payment\n")
      .replace(
        "  - id: payments-ui\n    owner: alice\n",
        "  - id: payments-ui\n  - id: payments\n    owner: alice\n    colour: red\n",
      );
    const error = (() => {
      try {
        parseFactoryYaml(text, "plans/factory.yaml");
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues as PlanProblem[];
    // The schema error and the problems of the parts that parse come in one pass.
    expect(issues.map((issue) => `${issue.line}:${issue.column} ${issue.code}`)).toEqual([
      "19:12 unknown-owner",
      "22:9 missing-line",
      "24:5 no-owner",
      "25:9 duplicate-id",
      "27:5 unknown-field",
    ]);
    expect(issues[4]?.message).toBe('unknown field "colour"');
    expect(issues[0]?.hint).toMatch(/did you mean "bob"/);
    expect((error as ValidationError).message).toMatch(
      /plans\/factory.yaml:22:9 error "checkout" depends on "payment"/,
    );
  });

  it("names a misspelt field by its path and suggests the field meant", () => {
    const text =
      "version: 1\noperators: [{ id: ana }]\nlines:\n  - id: web\n    ownr: ana\n    paths: [/web/]\nsetings: {}\n";
    const issues = (() => {
      try {
        parseFactoryYaml(text, "factory.yaml");
      } catch (caught) {
        return (caught as ValidationError).issues as PlanProblem[];
      }
      return [];
    })();
    const unknown = issues.filter((issue) => issue.code === "unknown-field");
    expect(unknown.map((issue) => [issue.path, issue.line, issue.hint])).toEqual([
      ["lines[0].ownr", 5, 'did you mean "owner"?; see docs/floorplan.md for the fields of factory.yaml'],
      ["setings", 7, 'did you mean "settings"?; see docs/floorplan.md for the fields of factory.yaml'],
    ]);
  });

  it("names the bad field of a dependency written as an object, and suggests the field meant", () => {
    const text = `version: 1
operators: [{ id: ana }]
lines:
  - { id: ledger, owner: ana }
  - { id: fraud, owner: ana }
  - id: web
    owner: ana
    dependsOn:
      - { line: ledger, kind: rpc }
      - { line: fraud, critcality: high }
      - 42
`;
    const result = safeParseFactoryYaml(text, "factory.yaml");
    expect(result.success).toBe(false);
    const problems = result.success ? [] : result.problems;
    expect(problems.map((problem) => `${problem.line}:${problem.column} ${problem.path}`)).toEqual([
      "9:31 lines[2].dependsOn[0].kind",
      "10:24 lines[2].dependsOn[1].critcality",
      "11:9 lines[2].dependsOn[2]",
    ]);
    expect(problems[0]?.message).toMatch(/must be one of "api", "data"/);
    expect(problems[1]?.hint).toMatch(/^did you mean "criticality"\?/);
    expect(problems[2]?.message).toBe("a dependency is a line id or { line, kind, criticality, contract }");
    expect(() =>
      planOf({ lines: [{ id: "web", dependsOn: [{ line: "ledger", criticality: "urgent" }] }] }),
    ).toThrow(/lines\[0\]\.dependsOn\[0\]\.criticality: must be one of "high", "medium", "low"/);
  });

  it("reports the references of the items that parse next to the schema errors, at their original places", () => {
    const text = `version: 1
operators:
  - id: alice
  - id: Not An Id
lines:
  - id: Bad Id
    owner: alice
  - id: a
    owner: bob
    wipLimit: -1
  - id: a
    owner: [alice, bob]
    dependsOn: [nope, {line: a, kind: telepathy}]
`;
    const result = safeParseFactoryYaml(text, "f.yaml");
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.problems.map((p) => `${p.line}:${p.column} ${p.code} ${p.path}`)).toEqual([
      "4:9 schema operators[1].id",
      "6:9 schema lines[0].id",
      "9:12 unknown-owner lines[1].owner",
      "10:15 schema lines[1].wipLimit",
      "11:9 duplicate-id lines[2].id",
      "12:12 schema lines[2].owner",
      "13:17 missing-line lines[2].dependsOn[0]",
      "13:23 self-dependency lines[2].dependsOn[1]",
      "13:39 schema lines[2].dependsOn[1].kind",
    ]);
    // Indices in messages are those of the file, not of the parts kept.
    expect(result.problems.find((p) => p.code === "duplicate-id")?.message).toBe(
      'duplicate id "a", first declared at lines[1]',
    );
  });

  it("rejects an empty file, a file of comments and a file that is not a mapping, naming the file", () => {
    for (const text of ["", "  \n", "# nothing yet\n"]) {
      const result = safeParseFactoryYaml(text, "plans/empty.yaml");
      expect(result.success).toBe(false);
      if (result.success) continue;
      expect(result.problems).toMatchObject([
        { code: "empty", file: "plans/empty.yaml", line: 1, column: 1 },
      ]);
      expect(result.error.message).toContain("plans/empty.yaml holds no floor plan");
    }
    const list = safeParseFactoryYaml("- id: a\n", "list.yaml");
    expect(!list.success && list.problems.map((p) => [p.code, p.message])).toEqual([
      ["not-a-mapping", "list.yaml holds a list, not a floor plan"],
    ]);
    expect(() => parseFactoryYaml("just words\n", "words.yaml")).toThrow(/words.yaml holds a string/);
  });

  it("requires version: 1 in a file, and warns about a file that declares no lines", () => {
    const unversioned = safeParseFactoryYaml(GOOD.replace("version: 1\n", ""), "factory.yaml");
    expect(!unversioned.success && unversioned.problems).toMatchObject([
      {
        code: "schema",
        path: "version",
        message: 'missing required field "version"',
        hint: expect.stringMatching(/version: 1/),
      },
    ]);
    const future = safeParseFactoryYaml(GOOD.replace("version: 1", "version: 2"), "factory.yaml");
    expect(!future.success && future.problems[0]).toMatchObject({ path: "version", line: 2, column: 10 });
    const bare = safeParseFactoryYaml("version: 1\noperators: [{id: ana}]\n", "bare.yaml");
    expect(bare.success && bare.warnings.map((warning) => warning.code)).toEqual(["no-lines"]);
  });

  it("says there is no file, as a NotFoundError, when the path names nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-yaml-"));
    dirs.push(dir);
    const missing = join(dir, "missing.yaml");
    const error = await loadFactoryYaml(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      code: "E_NOT_FOUND",
      entity: "file",
      id: missing,
      message: `no file ${missing}`,
    });
    await expect(safeLoadFactoryYaml(missing)).rejects.toBeInstanceOf(NotFoundError);
    writeFileSync(join(dir, "factory.yaml"), GOOD);
    const loaded = await safeLoadFactoryYaml(join(dir, "factory.yaml"));
    expect(loaded.success && loaded.plan.lines).toHaveLength(3);
  });

  it("warns about a cycle, printing it, and rejects it when the plan says cycles: error", () => {
    const cyclic = GOOD.replace(
      "  - id: payments-ui\n    owner: alice\n",
      "  - id: payments-ui\n    owner: alice\n    dependsOn: [checkout]\n",
    );
    const warnings: string[] = [];
    parseFactoryYaml(cyclic, "factory.yaml", {
      onWarning: (problem) => warnings.push(`${problem.line}:${problem.column} ${problem.message}`),
    });
    expect(warnings).toEqual(["23:9 dependency cycle: checkout -> payments-ui -> checkout"]);
    const strict = cyclic.replace("version: 1\n", "version: 1\nsettings: { cycles: error }\n");
    expect(() => parseFactoryYaml(strict)).toThrow(
      /factory.yaml:24:9 error dependency cycle: checkout -> payments-ui -> checkout/,
    );
  });

  it("reports YAML syntax errors with their position", () => {
    const result = safeParseFactoryYaml("lines:\n  - id: a\n    owner: [x\n", "f.yaml");
    expect(result.success).toBe(false);
    if (!result.success)
      expect(result.problems[0]).toMatchObject({ code: "yaml", file: "f.yaml", line: expect.any(Number) });
    const duplicate = safeParseFactoryYaml("version: 1\nversion: 1\n");
    expect(duplicate.success).toBe(false);
  });
});

describe("loadFactoryYaml with a repository root", () => {
  it("warns about a path pattern that matches no file", async () => {
    const root = mkdtempSync(join(tmpdir(), "factory-yaml-"));
    dirs.push(root);
    mkdirSync(join(root, "packages", "payments"), { recursive: true });
    writeFileSync(join(root, "packages", "payments", "index.ts"), "export {};\n");
    writeFileSync(join(root, "factory.yaml"), GOOD);
    const warnings: string[] = [];
    const plan = await loadFactoryYaml(join(root, "factory.yaml"), {
      repoRoot: root,
      onWarning: (p) => warnings.push(`${p.line}:${p.column} ${p.code} ${p.message}`),
    });
    expect(plan.lines).toHaveLength(3);
    expect(warnings).toEqual([
      '20:13 empty-glob pattern "/packages/checkout/" matches no file of the repository',
    ]);
  });

  it("finds the files of each pattern among files given as ./path, beside folders that share its start", () => {
    const plan = planOf({
      operators: [{ id: "o" }],
      lines: [
        { id: "web", owner: "o", paths: ["/apps/web", "/apps/web/src/", "*.sql"] },
        { id: "docs", owner: "o", paths: ["docs/", "/apps/webs/"] },
      ],
    });
    const files = [
      "./apps/web-ui/a.ts",
      "./apps/website/b.ts",
      "./apps/web/src/c.ts",
      "db/d.sql",
      "./e/docs/f.md",
    ];
    expect(validatePlan(plan, { files }).map((problem) => `${problem.code} ${problem.path}`)).toEqual([
      "empty-glob lines[1].paths[1]",
    ]);
  });
});

describe("saveFactoryYaml", () => {
  it("gives back the same text when the plan did not change", () => {
    expect(planToYaml(parseFactoryYaml(GOOD), GOOD)).toBe(GOOD);
  });

  it("keeps comments and order while writing a change made through the graph", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-yaml-"));
    dirs.push(dir);
    const path = join(dir, "factory.yaml");
    writeFileSync(path, GOOD);
    const floor = buildFloorGraph(await loadFactoryYaml(path));
    const plan = toPlan(floor);
    const edited = {
      ...plan,
      lines: [
        ...plan.lines.map((line) => (line.id === "payments" ? { ...line, owner: "bob", wipLimit: 2 } : line)),
        { id: "search", owner: "alice" },
      ],
    };
    await saveFactoryYaml(path, edited);
    const text = readFileSync(path, "utf8");
    expect(text).toContain("# The shop's floor plan.");
    expect(text).toContain("  - id: alice # payments lead");
    expect(text).toContain("  # Money moves here.\n  - id: payments\n    domain: commerce\n    owner: bob\n");
    expect(text).toContain("wipLimit: 2");
    expect(text).toContain("      - payments\n      - {line: payments-ui, kind: ui, criticality: low}");
    expect(text.trimEnd().endsWith("- id: search\n    owner: alice")).toBe(true);
    expect(toPlan(buildFloorGraph(parseFactoryYaml(text)))).toEqual(toPlan(buildFloorGraph(edited)));
  });

  it("writes a fresh file without defaults when none exists", () => {
    const text = planToYaml({ operators: [{ id: "a" }], lines: [{ id: "x", owner: "a", dependsOn: [] }] });
    expect(text).toBe(
      "version: 1\noperators:\n  - id: a\n    roles:\n      - line\nlines:\n  - id: x\n    owner: a\n",
    );
  });
});

describe("fuzzing factory.yaml", () => {
  it("loads or rejects with a positioned error each of 1,000 randomly mutated files, never throwing anything else", () => {
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const fragments = [
      ":",
      "-",
      " ",
      "\n",
      "  ",
      "[",
      "]",
      "{",
      "}",
      "#",
      "&a",
      "*a",
      "!!",
      "owner: zed",
      "owner: [a, b]",
      "dependsOn: [ghost]",
      "'",
      '"',
      "\t",
      "id: payments",
      "- id: x",
      "null",
      "~",
      "1e9",
      "paths: ['!x']",
      "<<: *a",
      "---",
      "%YAML 1.2",
    ];
    let loaded = 0;
    let rejected = 0;
    for (let round = 0; round < 1000; round++) {
      let text = GOOD;
      const mutations = 1 + Math.floor(random() * 4);
      for (let m = 0; m < mutations; m++) {
        const at = Math.floor(random() * text.length);
        const kind = random();
        if (kind < 0.4) text = text.slice(0, at) + pick(fragments) + text.slice(at);
        else if (kind < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 8));
        else {
          const lines = text.split("\n");
          const a = Math.floor(random() * lines.length);
          const b = Math.floor(random() * lines.length);
          [lines[a], lines[b]] = [lines[b] ?? "", lines[a] ?? ""];
          text = lines.join("\n");
        }
      }
      const result = safeParseFactoryYaml(text, "fuzz.yaml");
      if (result.success) {
        loaded++;
        continue;
      }
      rejected++;
      expect(result.error).toBeInstanceOf(ValidationError);
      expect(result.problems.length).toBeGreaterThan(0);
      for (const problem of result.problems) {
        expect(problem.file).toBe("fuzz.yaml");
        expect(problem.line, `${problem.message} in\n${text}`).toBeGreaterThanOrEqual(1);
        if (problem.line === undefined) break;
        expect(problem.column).toBeGreaterThanOrEqual(1);
      }
      if (rejected <= 50) expect(() => parseFactoryYaml(text, "fuzz.yaml")).toThrow(ValidationError);
    }
    expect(loaded + rejected).toBe(1000);
    expect(loaded).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  }, 300_000); // A guard against a hang on a loaded machine, not a performance assertion.
});
