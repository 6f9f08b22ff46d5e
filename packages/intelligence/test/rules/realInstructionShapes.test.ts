import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ValidationIssue } from "@software-factory/core";
import {
  exportCursorRules,
  formatCursorRule,
  type InstructionStandard,
  loadCursorRules,
  loadInstructionStandards,
  parseCursorRule,
  Standards,
  standardAppliesTo,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Shapes read from public repositories: Cursor rules whose front matter holds keys Cursor does not
// read (name, trigger, category: Cursor loads them and ignores the keys), comma-separated globs
// with braces (`**/*.{ts,tsx,js,jsx}`, in 175 of the 1,378 rules of sanjeed5/awesome-cursor-rules-mdc
// and PatrickJS/awesome-cursorrules), and a CLAUDE.md kept in .claude/ (C2FO/vfs), which Claude
// Code reads as the project's CLAUDE.md, and a root .cursorrules (over 9,000 repositories in the
// code index hold one), which Cursor still applies to every request.

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "instruction-shapes-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const withoutSource = <T extends { source?: unknown }>({ source: _source, ...rest }: T) => rest;

describe("Cursor rules with keys Cursor does not read", () => {
  it("loads the rule as Cursor does, warning once per key with its line and column", () => {
    write(
      ".cursor/rules/docs.mdc",
      [
        "---",
        "name: docs",
        "trigger: glob",
        "description: Governs documentation",
        "globs:",
        "  - docs/**/*.md",
        '  - "*.md"',
        "category: documentation",
        "alwaysApply: false",
        "---",
        "",
        "Keep docs short.",
        "",
      ].join("\n"),
    );
    const warnings: ValidationIssue[] = [];

    const standards = loadInstructionStandards(root, { onWarning: (warning) => warnings.push(warning) });

    expect(standards.map(withoutSource)).toEqual([
      {
        id: "docs",
        description: "Governs documentation",
        instructions: "Keep docs short.",
        globs: ["docs/**/*.md", "*.md"],
        alwaysApply: false,
      },
    ]);
    const file = join(root, ".cursor", "rules", "docs.mdc");
    expect(warnings.map(({ path, line, column, file: at }) => [at, line, column, path])).toEqual([
      [file, 2, 1, "name"],
      [file, 3, 1, "trigger"],
      [file, 8, 1, "category"],
    ]);
    expect(warnings[0]?.message).toBe(
      'unknown key "name" ignored, as Cursor ignores it; a Cursor rule has description, globs and alwaysApply',
    );
    const exported = exportCursorRules(standards, join(root, "out"));
    expect(exported).toHaveLength(1);
    expect(loadCursorRules(join(root, "out")).map(withoutSource)).toEqual(standards.map(withoutSource));
  });

  it("names the key a misspelt one was meant to be, and keeps refusing a string alwaysApply", () => {
    const warnings: ValidationIssue[] = [];
    const standard = parseCursorRule("---\nalwaysapply: true\n---\nBody.\n", "case.mdc", {
      onWarning: (warning) => warnings.push(warning),
    });
    expect(standard.alwaysApply).toBe(false);
    expect(warnings[0]?.message).toContain('unknown key "alwaysapply" ignored');
    expect(warnings[0]?.message).toContain("(did you mean alwaysApply?)");
    expect(() => parseCursorRule('---\nalwaysApply: "true"\n---\n', "quoted.mdc")).toThrow(
      "quoted.mdc:2:14 alwaysApply: alwaysApply is true or false (a YAML boolean, not a string)",
    );
  });
});

describe("comma-separated globs with braces", () => {
  it("splits at the commas outside braces, so each glob matches what it says, and writes them back", () => {
    const standard = parseCursorRule(
      "---\ndescription: React\nglobs: **/*.{ts,tsx,js,jsx}, docs/{guides,api}/**\nalwaysApply: false\n---\nHooks.\n",
      "react.mdc",
    );

    expect(standard.globs).toEqual(["**/*.{ts,tsx,js,jsx}", "docs/{guides,api}/**"]);
    for (const path of ["src/App.tsx", "src/main.js", "docs/api/index.md"]) {
      expect(standardAppliesTo(standard, path)).toBe(true);
    }
    expect(standardAppliesTo(standard, "tsx")).toBe(false);
    expect(standardAppliesTo(standard, "docs/blog/post.md")).toBe(false);
    const text = formatCursorRule(standard);
    expect(text).toContain("globs: **/*.{ts,tsx,js,jsx},docs/{guides,api}/**\n");
    expect(withoutSource(parseCursorRule(text, "react.mdc"))).toEqual(withoutSource(standard));
  });
});

describe("a root .cursorrules, Cursor's older single rules file", () => {
  it("is one standard that always applies, written back as a Cursor rule that reads the same", () => {
    write(".cursorrules", "\uFEFFYou are an expert in TypeScript.\n\n- Use strict mode.\n");
    write(".cursor/rules/testing.mdc", "---\nglobs: **/*.test.ts\n---\nUse vitest.\n");
    write("packages/web/.cursorrules", "Cursor reads only the root's.\n");

    const standards = loadInstructionStandards(root);

    expect(standards.map(withoutSource)).toEqual([
      { id: "testing", instructions: "Use vitest.", globs: ["**/*.test.ts"], alwaysApply: false },
      {
        id: "cursorrules",
        instructions: "You are an expert in TypeScript.\n\n- Use strict mode.",
        globs: [],
        alwaysApply: true,
      },
    ]);
    expect(standards[1]?.source).toEqual({ format: "cursor", file: join(root, ".cursorrules"), line: 1 });
    exportCursorRules(standards, join(root, "out"));
    expect(loadCursorRules(join(root, "out")).map(withoutSource)).toEqual(
      [standards[1], standards[0]].map((standard) => withoutSource(standard as InstructionStandard)),
    );
  });
});

describe("Claude Code rules in .claude/rules", () => {
  it("scope each rule by its paths (one glob or a list), apply one without paths always, and write back", () => {
    write(
      ".claude/rules/api.md",
      '---\npaths:\n  - "src/api/**/*.ts"\n  - "tests/**/*.test.ts"\n---\n\n# API\n\nValidate input.\n',
    );
    write(
      ".claude/rules/frontend/react.md",
      "---\npaths: **/*.{ts,tsx}\ndescription: React\n---\nHooks first.\n",
    );
    write(".claude/rules/style.md", "# Style\n\nTwo spaces.\n");
    write(".claude/rules/notes.txt", "Not a rule.\n");
    const warnings: ValidationIssue[] = [];

    const standards = loadInstructionStandards(root, { onWarning: (warning) => warnings.push(warning) });

    expect(standards.map(withoutSource)).toEqual([
      {
        id: "claude-rules-api",
        instructions: "# API\n\nValidate input.",
        globs: ["src/api/**/*.ts", "tests/**/*.test.ts"],
        alwaysApply: false,
      },
      {
        id: "claude-rules-frontend-react",
        instructions: "Hooks first.",
        globs: ["**/*.{ts,tsx}"],
        alwaysApply: false,
      },
      { id: "claude-rules-style", instructions: "# Style\n\nTwo spaces.", globs: [], alwaysApply: true },
    ]);
    expect(standards[0]?.source).toEqual({
      format: "claude-md",
      file: join(root, ".claude/rules/api.md"),
      line: 1,
    });
    expect(standardAppliesTo(standards[1] as InstructionStandard, "web/App.tsx")).toBe(true);
    expect(warnings).toEqual([
      {
        path: "description",
        file: join(root, ".claude/rules/frontend/react.md"),
        line: 3,
        column: 1,
        message: 'unknown key "description" ignored, as Claude Code ignores it; a Claude rule has paths',
      },
    ]);
    exportCursorRules(standards, join(root, "out"));
    expect(loadCursorRules(join(root, "out")).map(withoutSource)).toEqual(standards.map(withoutSource));
  });

  it("refuses paths that are not globs at their line and column", () => {
    write(".claude/rules/bad.md", "---\npaths:\n  nested: true\n---\nBody.\n");
    expect(() => loadInstructionStandards(root)).toThrow(
      /bad\.md:3:3 paths: paths is a glob or a list of globs/,
    );
  });
});

describe("CLAUDE.md kept in .claude/", () => {
  it("is read as its folder's CLAUDE.md: the root's always applies, a nested one under its folder", () => {
    write(
      ".claude/CLAUDE.md",
      "Follow all guidelines in AGENTS.md.\n\n# VFS Development Standards\n\nUse testify.\n",
    );
    write("backend/s3/.claude/CLAUDE.md", "## S3\n\nMock the client.\n");
    write("AGENTS.md", "# Agent Guidelines\n\n## Testing\n\nTable-driven tests.\n");

    const standards = loadInstructionStandards(root);

    expect(
      standards.map((standard) => [
        standard.id,
        standard.source?.format,
        standard.alwaysApply,
        standard.globs,
      ]),
    ).toEqual([
      ["testing", "agents-md", true, []],
      ["general", "claude-md", true, []],
      ["vfs-development-standards", "claude-md", true, []],
      ["backend-s3-s3", "claude-md", false, ["backend/s3/**"]],
    ]);
    const factoryStandards = new Standards({}).addInstructions(...standards);
    expect(factoryStandards.instructions(["backend/s3/client.go"]).map((standard) => standard.id)).toEqual([
      "testing",
      "general",
      "vfs-development-standards",
      "backend-s3-s3",
    ]);
    expect(factoryStandards.instructions(["backend/gcs/client.go"]).map((standard) => standard.id)).toEqual([
      "testing",
      "general",
      "vfs-development-standards",
    ]);
  });
});
