import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ValidationIssue } from "@software-factory/core";
import {
  exportAgentsMd,
  exportCursorRules,
  type InstructionStandard,
  loadAgentsMd,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempRepository } from "./tempRepository.js";

// A CLAUDE.md section importing `@docs/git.md` loads as two standards: the section (its text still
// holding the import) and the imported file. Exported as they were, Claude Code read the imported
// text twice (inline and through the import), and reading the export back gave it twice.

const repo = useTempRepository("claude-imports-export-");
const { write, load: loadRoot } = repo;

/** A CLAUDE.md (written as an export writes one) importing docs/git.md, which imports hooks/pre-commit.md. */
const CLAUDE_MD = "# CLAUDE.md\n\n## Workflow\n\nCommit small. Git: @docs/git.md\n";
/** The sentences of the three files: each must be read once. */
const TEXTS = ["Commit small.", "Rebase, never merge.", "Run the hooks before pushing."];

function writeRepository(): string {
  write("docs/git.md", "# Git\n\nRebase, never merge.\nHooks: @hooks/pre-commit.md\n");
  write("docs/hooks/pre-commit.md", "Run the hooks before pushing.\n");
  return write("CLAUDE.md", CLAUDE_MD);
}

/** How many of the standards hold each text. */
function timesRead(standards: readonly InstructionStandard[]): number[] {
  return TEXTS.map((text) => standards.filter((standard) => standard.instructions.includes(text)).length);
}

describe("exporting standards a CLAUDE.md imports", () => {
  it("writes a CLAUDE.md at the root with its imports and without the imported texts, byte for byte again when read back", () => {
    const claude = writeRepository();
    const loaded = loadRoot();
    expect(loaded.standards.map((standard) => standard.id)).toEqual([
      "workflow",
      "docs-git",
      "docs-hooks-pre-commit",
    ]);

    exportAgentsMd(loaded.standards, claude, { title: "CLAUDE.md" });
    const first = readFileSync(claude, "utf8");
    expect(first).toBe(CLAUDE_MD);

    const again = loadRoot();
    expect(again.warnings).toEqual([]);
    expect(again.standards).toEqual(loaded.standards);
    expect(timesRead(again.standards)).toEqual([1, 1, 1]);
    exportAgentsMd(again.standards, claude, { title: "CLAUDE.md" });
    expect(readFileSync(claude, "utf8")).toBe(first);
  });

  it("leaves a root AGENTS.md to the CLAUDE.md's @AGENTS.md import", () => {
    const claude = write("CLAUDE.md", "# CLAUDE.md\n\n## Workflow\n\n@AGENTS.md\n\nCommit small.\n");
    write("AGENTS.md", "# AGENTS.md\n\n## Review\n\nRebase, never merge.\n");
    const loaded = loadRoot();
    expect(loaded.standards.map((standard) => standard.id)).toEqual(["review", "workflow"]);

    exportAgentsMd(loaded.standards, claude, { title: "CLAUDE.md" });

    const again = loadRoot();
    expect(again.standards.map((standard) => standard.id)).toEqual(["review", "workflow"]);
    expect(timesRead(again.standards).slice(0, 2)).toEqual([1, 1]);
  });

  describe("when the CLAUDE.md imports an AGENTS.md that imports a file", () => {
    const stub = "# CLAUDE.md\n\n## Workflow\n\n@AGENTS.md\n\nCommit small.\n";
    const writeAgents = () => {
      write("AGENTS.md", "# AGENTS.md\n\n## Review\n\nRebase, never merge. Hooks: @docs/hooks.md\n");
      write("docs/hooks.md", "Run the hooks before pushing.\n");
      return write("CLAUDE.md", stub);
    };

    it("writes the CLAUDE.md in place byte for byte, each text read once", () => {
      const claude = writeAgents();
      const loaded = loadRoot();
      expect(loaded.standards.map((standard) => standard.id)).toEqual(["review", "workflow", "docs-hooks"]);

      exportAgentsMd(loaded.standards, claude, { title: "CLAUDE.md" });
      expect(readFileSync(claude, "utf8")).toBe(stub);

      const again = loadRoot();
      expect(again.warnings).toEqual([]);
      expect(again.standards).toEqual(loaded.standards);
      expect(timesRead(again.standards)).toEqual([1, 1, 1]);
    });

    it("writes an AGENTS.md and Cursor rules with each text once and no @ import left", () => {
      const claude = writeAgents();
      const agents = join(repo.root, "AGENTS.md");
      const standards = loadRoot().standards;

      exportAgentsMd(standards, agents);
      writeFileSync(claude, "@AGENTS.md\n");
      const throughClaude = loadAgentsMd(claude, { root: repo.root, onWarning: () => {} });
      expect(timesRead(throughClaude)).toEqual([1, 1, 1]);
      expect(timesRead(loadRoot().standards)).toEqual([1, 1, 1]);
      expect(readFileSync(agents, "utf8")).toContain("Hooks: docs/hooks.md");

      const rules = join(repo.root, ".cursor", "rules");
      exportCursorRules(standards, rules);
      const texts = readdirSync(rules).map((name) => readFileSync(join(rules, name), "utf8"));
      expect(texts.filter((text) => text.includes("@docs/"))).toEqual([]);
      expect(TEXTS.map((text) => texts.filter((rule) => rule.includes(text)).length)).toEqual([1, 1, 1]);
    });
  });

  it("drops the @ of an AGENTS.md's import of a file its CLAUDE.md imported first, exporting an AGENTS.md", () => {
    const claude = write("CLAUDE.md", "Hooks: @docs/hooks.md\n\n@AGENTS.md\n");
    write("AGENTS.md", "## Review\n\nRebase, never merge. Hooks: @docs/hooks.md\n");
    write("docs/hooks.md", "Run the hooks before pushing.\n");
    const agents = join(repo.root, "AGENTS.md");

    exportAgentsMd(loadRoot().standards, agents);
    writeFileSync(claude, "@AGENTS.md\n");

    const throughClaude = loadAgentsMd(claude, { root: repo.root, onWarning: () => {} });
    expect(timesRead(throughClaude).slice(1)).toEqual([1, 1]);
    expect(readFileSync(agents, "utf8")).not.toContain("@docs/hooks.md");
  });

  it("writes the imported texts into a CLAUDE.md in another folder, whose imports would not reach them", () => {
    writeRepository();
    const other = join(repo.parent, "other");
    mkdirSync(other);
    const file = join(other, "CLAUDE.md");

    exportAgentsMd(loadRoot().standards, file, { title: "CLAUDE.md" });

    const warnings: ValidationIssue[] = [];
    const standards = loadAgentsMd(file, { root: other, onWarning: (warning) => warnings.push(warning) });
    expect(warnings).toEqual([]);
    expect(timesRead(standards)).toEqual([1, 1, 1]);
    expect(readFileSync(file, "utf8")).toContain("Commit small. Git: docs/git.md");
  });

  it("writes an AGENTS.md with each imported text once, also for Claude Code reading it through @AGENTS.md", () => {
    const claude = writeRepository();
    const agents = join(repo.root, "AGENTS.md");

    exportAgentsMd(loadRoot().standards, agents);
    // The common move to AGENTS.md: CLAUDE.md becomes a stub importing it.
    writeFileSync(claude, "@AGENTS.md\n");

    const warnings: ValidationIssue[] = [];
    const throughClaude = loadAgentsMd(claude, {
      root: repo.root,
      onWarning: (warning) => warnings.push(warning),
    });
    expect(warnings).toEqual([]);
    expect(timesRead(throughClaude)).toEqual([1, 1, 1]);
    expect(timesRead(loadAgentsMd(agents, { root: repo.root }))).toEqual([1, 1, 1]);
    const text = readFileSync(agents, "utf8");
    expect(text).toContain("Commit small. Git: docs/git.md");
    expect(text).toContain("Hooks: hooks/pre-commit.md");
  });

  it("writes Cursor rules with each imported text once and no @ import left in them", () => {
    const claude = writeRepository();
    const rules = join(repo.root, ".cursor", "rules");

    exportCursorRules(loadRoot().standards, rules);
    unlinkSync(claude);

    const { standards, warnings } = loadRoot();
    expect(warnings).toEqual([]);
    expect(readdirSync(rules).sort()).toEqual(["docs-git.mdc", "docs-hooks-pre-commit.mdc", "workflow.mdc"]);
    expect(timesRead(standards)).toEqual([1, 1, 1]);
    const texts = readdirSync(rules).map((name) => readFileSync(join(rules, name), "utf8"));
    expect(texts.filter((text) => /@(docs|hooks)\//.test(text))).toEqual([]);
  });
});
