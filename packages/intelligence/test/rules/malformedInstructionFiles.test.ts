import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError, type ValidationIssue } from "@software-factory/core";
import { loadInstructionStandards, openFactory } from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { useTempRepository } from "./tempRepository.js";

const repo = useTempRepository("malformed-instructions-");
const unclosed =
  "---\ndescription: Checkout\nglobs: [unclosed\nalwaysApply: false\n---\nNever log card numbers.\n";

/** A repository with one malformed file of each kind read, beside good ones. */
function writeMixed(): void {
  repo.write(".cursor/rules/bad.mdc", unclosed);
  repo.write(".cursor/rules/good.mdc", "---\nglobs: src/**/*.ts\n---\nStrict TypeScript.\n");
  repo.write(".claude/rules/bad.md", '---\npaths: "src/**\n---\nUnclosed quote.\n');
  repo.write("packages/web/.cursor/rules/ask.mdc", "---\nglobs: [a, [b]\n---\nNested.\n");
  repo.write("packages/web/.cursor/rules/tokens.mdc", "---\nalwaysApply: true\n---\nUse design tokens.\n");
  repo.write("AGENTS.md", "# Repo\n\n## Testing\n\nRun one file at a time.\n");
}

const places = (issues: readonly ValidationIssue[]) =>
  issues.map((issue) => [issue.file?.slice(repo.root.length + 1), issue.line, issue.column]);

describe("a malformed instruction file", () => {
  it("is refused at the line and column where the unclosed [ or quote opens, not where YAML gave up", () => {
    writeMixed();
    const error = (() => {
      try {
        loadInstructionStandards(repo.root, { onWarning: () => undefined });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(places((error as ValidationError).issues)).toEqual([
      [".cursor/rules/bad.mdc", 3, 8],
      [".claude/rules/bad.md", 2, 8],
      ["packages/web/.cursor/rules/ask.mdc", 2, 8],
    ]);
  });

  it("is skipped with a warning at its place when skipInvalid is set, and the other files load", () => {
    writeMixed();
    const warnings: ValidationIssue[] = [];
    const standards = loadInstructionStandards(repo.root, {
      onWarning: (warning) => warnings.push(warning),
      skipInvalid: true,
    });
    expect(standards.map((standard) => standard.id)).toEqual(["good", "testing", "packages-web-tokens"]);
    expect(places(warnings)).toEqual([
      [".cursor/rules/bad.mdc", 3, 8],
      [".claude/rules/bad.md", 2, 8],
      ["packages/web/.cursor/rules/ask.mdc", 2, 8],
    ]);
    expect(warnings[0]?.message).toBe(
      "Flow sequence in block collection must be sufficiently indented and end with a ]; the file was skipped",
    );
  });
});

describe("openFactory({ instructionsFrom }) over a malformed instruction file", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("opens, serving the other files and listing the malformed one as skipped at its place", async () => {
    writeMixed();
    const dir = mkdtempSync(join(tmpdir(), "factory-malformed-instructions-"));
    dirs.push(dir);
    const factory = await openFactory({ dir, instructionsFrom: repo.root });
    try {
      expect(factory.standards.instructions().map((standard) => standard.id)).toEqual([
        "good",
        "testing",
        "packages-web-tokens",
      ]);
      expect(places(factory.standards.skipped())).toEqual([
        [".cursor/rules/bad.mdc", 3, 8],
        [".claude/rules/bad.md", 2, 8],
        ["packages/web/.cursor/rules/ask.mdc", 2, 8],
      ]);
    } finally {
      await factory.close();
    }
  });
});
