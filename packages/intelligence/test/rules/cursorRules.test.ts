import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError, type ValidationIssue } from "@software-factory/core";
import {
  exportCursorRules,
  formatCursorRule,
  type InstructionStandard,
  loadCursorRules,
  parseCursorRule,
  Standards,
  standardAppliesTo,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { caughtValidationError as caught } from "../fixtures/caughtValidationError.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cursor-rules-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const withoutSource = (standards: readonly InstructionStandard[]) =>
  standards.map(({ source: _source, ...rest }) => rest);

describe("Cursor rules", () => {
  it("reads description, comma-separated unquoted globs, alwaysApply and the body as Cursor writes them", () => {
    const standard = parseCursorRule(
      [
        "---",
        "description: React components: function components, hooks only",
        "globs: *.tsx, src/components/**",
        "alwaysApply: false",
        "---",
        "",
        "- Use function components.",
        "- Name hooks `useX`.",
        "",
      ].join("\n"),
      ".cursor/rules/React Components.mdc",
    );
    expect(standard).toEqual({
      id: "react-components",
      description: "React components: function components, hooks only",
      instructions: "- Use function components.\n- Name hooks `useX`.",
      globs: ["*.tsx", "src/components/**"],
      alwaysApply: false,
      source: { format: "cursor", file: ".cursor/rules/React Components.mdc", line: 1 },
    });
    expect(standardAppliesTo(standard, "web/app/Button.tsx")).toBe(true);
    expect(standardAppliesTo(standard, "src/components/deep/theme.css")).toBe(true);
    expect(standardAppliesTo(standard, "lib/components/x.ts")).toBe(false);
  });

  it("reads globs given as a YAML list and an always-applied rule without description", () => {
    const standard = parseCursorRule(
      "---\ndescription:\nglobs:\n  - 'packages/*/src/**/*.ts'\n  - '**/*.test.ts'\nalwaysApply: true\n---\nBe brief.\n",
      "style.mdc",
    );
    expect(standard.description).toBeUndefined();
    expect(standard.globs).toEqual(["packages/*/src/**/*.ts", "**/*.test.ts"]);
    expect(standard.alwaysApply).toBe(true);
    expect(standardAppliesTo(standard, "anything/at/all.md")).toBe(true);
  });

  it("reports front matter that is never closed at line 1", () => {
    const error = caught(() => parseCursorRule("---\ndescription: x\nglobs: *.ts\n\nbody", "open.mdc"));
    expect(error.issues).toEqual([
      {
        path: "",
        message: "front matter opened by --- on line 1 is never closed by a --- line",
        file: "open.mdc",
        line: 1,
        column: 1,
      },
    ]);
    expect(error.message).toContain("open.mdc:1:1");
  });

  it("reports bad YAML with the line and column in the file", () => {
    const error = caught(() =>
      parseCursorRule("---\ndescription: fine\nalwaysApply: [true\n---\nbody\n", "bad-yaml.mdc"),
    );
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues[0]).toMatchObject({ file: "bad-yaml.mdc", line: 3 });
    expect(error.message).toMatch(/bad-yaml\.mdc:[34]:\d+/);
  });

  it("reports a key of the wrong type where it is", () => {
    const error = caught(() =>
      parseCursorRule(
        '---\ndescription: ok\nalwaysApply: "yes"\nglobs: [1, 2]\nalwaysapply: true\n---\nbody\n',
        "types.mdc",
      ),
    );
    const byPath = Object.fromEntries(error.issues.map((issue) => [issue.path, issue]));
    expect(byPath.alwaysApply).toMatchObject({ file: "types.mdc", line: 3, column: 14 });
    expect(byPath.alwaysApply?.message).toContain("alwaysApply is true or false");
    expect(byPath.globs).toMatchObject({ line: 4, column: 8 });
  });

  it("loads a rules folder, reporting the problems of every bad file together", () => {
    const rules = join(dir, ".cursor", "rules");
    mkdirSync(rules, { recursive: true });
    writeFileSync(join(rules, "good.mdc"), "---\nglobs: src/**\nalwaysApply: false\n---\nGood.\n");
    writeFileSync(join(rules, "a-bad.mdc"), "---\nalwaysApply: maybe\n---\n");
    writeFileSync(join(rules, "z-open.mdc"), "---\nglobs: x\n");
    writeFileSync(join(rules, "notes.md"), "not a rule");
    const error = caught(() => loadCursorRules(rules));
    expect(error.issues.map((issue) => `${issue.file?.slice(rules.length + 1)}:${issue.line}`)).toEqual([
      "a-bad.mdc:2",
      "z-open.mdc:1",
    ]);
    rmSync(join(rules, "a-bad.mdc"));
    rmSync(join(rules, "z-open.mdc"));
    expect(loadCursorRules(rules).map((standard) => standard.id)).toEqual(["good"]);
    expect(loadCursorRules(join(dir, "missing"))).toEqual([]);
  });

  it("reports a YAML alias bomb and a file that is not UTF-8 as problems of those files, by path", () => {
    const rules = join(dir, ".cursor", "rules");
    mkdirSync(rules, { recursive: true });
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [index, name] of ["b", "c", "d", "e"].entries()) {
      const below = "abcd"[index] as string;
      levels.push(`${name}: &${name} [${Array(9).fill(`*${below}`).join(", ")}]`);
    }
    writeFileSync(join(rules, "bomb.mdc"), `---\n${levels.join("\n")}\n---\nBody.\n`);
    writeFileSync(
      join(rules, "latin1.mdc"),
      Buffer.from("---\ndescription: caf\u00e9\n---\nBody.\n", "latin1"),
    );
    const error = caught(() => loadCursorRules(rules));
    expect(error.issues).toEqual([
      expect.objectContaining({
        file: join(rules, "bomb.mdc"),
        line: 2,
        message: expect.stringMatching(/alias/i),
      }),
      expect.objectContaining({
        file: join(rules, "latin1.mdc"),
        line: 2,
        column: 17,
        message: "is not UTF-8 text (save it as UTF-8)",
      }),
    ]);
    expect(error.message).toContain(join(rules, "bomb.mdc"));
  });

  it("skips a symbolic link with a warning naming it, and loads the other rules", () => {
    const rules = join(dir, ".cursor", "rules");
    mkdirSync(rules, { recursive: true });
    writeFileSync(join(dir, "shared.mdc"), "---\nalwaysApply: true\n---\nShared.\n");
    writeFileSync(join(rules, "own.mdc"), "---\nalwaysApply: true\n---\nOwn.\n");
    symlinkSync(join(dir, "shared.mdc"), join(rules, "shared.mdc"));
    const warnings: ValidationIssue[] = [];
    const loaded = loadCursorRules(rules, { onWarning: (warning) => warnings.push(warning) });
    expect(loaded.map((standard) => standard.id)).toEqual(["own"]);
    expect(warnings).toEqual([
      {
        path: "shared.mdc",
        file: join(rules, "shared.mdc"),
        message: expect.stringMatching(/is a symbolic link/),
      },
    ]);
  });

  it("round-trips: load, export, load gives the same standards", () => {
    const rules = join(dir, "in");
    mkdirSync(rules);
    writeFileSync(
      join(rules, "api.mdc"),
      '---\ndescription: "API handlers: validate with zod, # never trust input"\nglobs: src/api/**/*.ts,*.http\nalwaysApply: false\n---\n\n# API\n\nValidate every body.\n',
    );
    writeFileSync(
      join(rules, "always.mdc"),
      "---\ndescription: Tone\nglobs:\nalwaysApply: true\n---\nBe kind.\n",
    );
    writeFileSync(join(rules, "manual.mdc"), "Only when asked.\n");
    const first = loadCursorRules(rules);
    const files = exportCursorRules(first, join(dir, "out"));
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual([
      "out/always.mdc",
      "out/api.mdc",
      "out/manual.mdc",
    ]);
    expect(readFileSync(join(dir, "out", "api.mdc"), "utf8")).toContain(
      "globs: src/api/**/*.ts,*.http\nalwaysApply: false\n",
    );
    const second = loadCursorRules(join(dir, "out"));
    expect(withoutSource(second)).toEqual(withoutSource(first));
    expect(first.find((standard) => standard.id === "api")?.description).toBe(
      "API handlers: validate with zod, # never trust input",
    );
  });

  it("exports globs that start as YAML would read otherwise ([abc], a quote) so that they load back", () => {
    for (const globs of [["[abc]/**", "!x"], ['"quoted"/*.ts'], ["'single'/*"], ["|pipe"], [">gt"]]) {
      const text = formatCursorRule({ id: "odd", instructions: "x", globs, alwaysApply: false });
      expect(parseCursorRule(text, "odd.mdc").globs).toEqual(globs);
    }
    expect(
      formatCursorRule({ id: "plain", instructions: "x", globs: ["*.ts", "src/**"], alwaysApply: false }),
    ).toContain("globs: *.ts,src/**\n");
  });

  it("refuses to export a glob with a comma outside braces, which Cursor's list cannot hold", () => {
    const error = caught(() =>
      formatCursorRule({ id: "comma", instructions: "x", globs: ["src/a,b/**"], alwaysApply: false }),
    );
    expect(error.issues[0]?.path).toBe("globs.0");
    expect(error.issues[0]?.message).toBe('glob "src/a,b/**" holds a comma outside braces');
  });

  it("matches globs as gitignore does: anchored with a slash, floating without, braces, ? and folders", () => {
    const applies = (glob: string, path: string) =>
      standardAppliesTo({ globs: [glob], alwaysApply: false }, path);
    expect(applies("src/*.ts", "src/a.ts")).toBe(true);
    expect(applies("src/*.ts", "src/deep/a.ts")).toBe(false);
    expect(applies("src/*.ts", "lib/src/a.ts")).toBe(false);
    expect(applies("src/**/*.ts", "src/a.ts")).toBe(true);
    expect(applies("src/**/*.ts", "src/x/y/a.ts")).toBe(true);
    expect(applies("*.{ts,tsx}", "web/App.tsx")).toBe(true);
    expect(applies("*.{ts,tsx}", "web/App.jsx")).toBe(false);
    expect(applies("v?.md", "docs/v2.md")).toBe(true);
    expect(applies("docs/", "docs/guide/intro.md")).toBe(true);
    expect(applies("docs/", "src/docs.ts")).toBe(false);
    expect(applies("a+b(c).ts", "a+b(c).ts")).toBe(true);
    expect(applies("/src/**", "./src/x.ts")).toBe(true);
  });

  it("keeps instruction standards in the factory's standards and selects them by path", () => {
    const standards = new Standards({});
    standards.addInstructions(
      parseCursorRule("---\nglobs: packages/web/**\nalwaysApply: false\n---\nWeb rules.\n", "web.mdc"),
      parseCursorRule("---\nalwaysApply: true\n---\nEverywhere.\n", "everywhere.mdc"),
      parseCursorRule("Manual.\n", "manual.mdc"),
    );
    expect(standards.instructions().map((standard) => standard.id)).toEqual(["web", "everywhere", "manual"]);
    expect(standards.instructions(["packages/web/src/App.tsx"]).map((standard) => standard.id)).toEqual([
      "web",
      "everywhere",
    ]);
    expect(standards.instructions(["packages/api/src/server.ts"]).map((standard) => standard.id)).toEqual([
      "everywhere",
    ]);
    expect(() =>
      standards.addInstructions({ id: "Not Kebab", instructions: "", globs: [], alwaysApply: true }),
    ).toThrow(ValidationError);
  });
});
