import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ValidationError, type ValidationIssue } from "@software-factory/core";
import { loadInstructionStandards, Standards } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "instruction-files-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe("loadInstructionStandards", () => {
  it("reads Cursor rules, then AGENTS.md and CLAUDE.md from the root down, skipping dependencies", () => {
    write(".cursor/rules/testing.mdc", "---\nglobs: **/*.test.ts\nalwaysApply: false\n---\nUse vitest.\n");
    write("AGENTS.md", "# Repo\n\n## Testing\n\nRun one file at a time.\n");
    write("packages/web/AGENTS.md", "## Components\n\nFunction components only.\n");
    write("packages/web/CLAUDE.md", "## Style\n\nTailwind classes, no CSS files.\n");
    write("node_modules/lib/AGENTS.md", "## Ignored\n\nNot ours.\n");
    write(".git/AGENTS.md", "## Ignored\n\nNot ours.\n");
    const standards = loadInstructionStandards(root);
    expect(standards.map((standard) => [standard.id, standard.source?.format, standard.globs])).toEqual([
      ["testing", "cursor", ["**/*.test.ts"]],
      ["testing-2", "agents-md", []],
      ["packages-web-components", "agents-md", ["packages/web/**"]],
      ["packages-web-style", "claude-md", ["packages/web/**"]],
    ]);
    const factoryStandards = new Standards({}).addInstructions(...standards);
    expect(
      factoryStandards.instructions(["packages/web/src/Button.test.ts"]).map((standard) => standard.id),
    ).toEqual(["testing", "testing-2", "packages-web-components", "packages-web-style"]);
    expect(
      factoryStandards.instructions(["packages/api/src/server.ts"]).map((standard) => standard.id),
    ).toEqual(["testing-2"]);
  });

  it("reads rules in subfolders of .cursor/rules, and a nested folder's .cursor/rules as applying under it", () => {
    write(".cursor/rules/frontend/react.mdc", "---\nglobs: **/*.tsx\n---\nHooks at the top.\n");
    write("packages/web/.cursor/rules/tokens.mdc", "---\nalwaysApply: true\n---\nUse design tokens.\n");
    write(
      "packages/web/.cursor/rules/forms/forms.mdc",
      "---\nglobs: src/forms/*.tsx, ./lib/*.ts\n---\nZod forms.\n",
    );
    write("packages/web/.cursor/rules/ask.mdc", "Only when asked.\n");

    const standards = loadInstructionStandards(root);

    expect(standards.map((standard) => [standard.id, standard.globs, standard.alwaysApply])).toEqual([
      ["frontend-react", ["**/*.tsx"], false],
      ["packages-web-ask", [], false],
      ["packages-web-forms-forms", ["packages/web/src/forms/*.tsx", "packages/web/lib/*.ts"], false],
      ["packages-web-tokens", ["packages/web/**"], false],
    ]);
    const factoryStandards = new Standards({}).addInstructions(...standards);
    expect(
      factoryStandards.instructions(["packages/web/src/forms/Signup.tsx"]).map((standard) => standard.id),
    ).toEqual(["frontend-react", "packages-web-forms-forms", "packages-web-tokens"]);
    expect(
      factoryStandards.instructions(["packages/api/src/forms/Signup.tsx"]).map((standard) => standard.id),
    ).toEqual(["frontend-react"]);
  });

  it("reports the problems of every file together", () => {
    write(".cursor/rules/bad.mdc", "---\nalwaysApply: yes please\n---\n");
    write("packages/api/AGENTS.md", "## Routes\n\nApplies to: the routes\n");
    let error: unknown;
    try {
      loadInstructionStandards(root);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(
      (error as ValidationError).issues.map((issue) => `${issue.file?.slice(root.length + 1)}:${issue.line}`),
    ).toEqual([".cursor/rules/bad.mdc:2", "packages/api/AGENTS.md:3"]);
  });

  it("finds nothing in a repository without instruction files", () => {
    expect(loadInstructionStandards(root)).toEqual([]);
  });

  it("skips an AGENTS.md that is a folder with a warning naming it, and loads the rest", () => {
    write("AGENTS.md/notes.txt", "a folder by that name\n");
    write("CLAUDE.md", "## Style\n\nShort functions.\n");
    const warnings: ValidationIssue[] = [];
    const standards = loadInstructionStandards(root, { onWarning: (warning) => warnings.push(warning) });
    expect(standards.map((standard) => standard.id)).toEqual(["style"]);
    expect(warnings).toEqual([
      { path: "", file: join(root, "AGENTS.md"), message: "is a folder, not an instruction file; skipped" },
    ]);
  });
});
