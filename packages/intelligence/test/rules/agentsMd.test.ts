import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  exportAgentsMd,
  exportCursorRules,
  formatAgentsMd,
  type InstructionStandard,
  loadAgentsMd,
  loadCursorRules,
  parseAgentsMd,
  standardAppliesTo,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "agents-md-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const withoutSource = (standards: readonly InstructionStandard[]) =>
  standards.map(({ source: _source, ...rest }) => rest);

const AGENTS_MD = [
  "# Acme monorepo",
  "",
  "Use npm workspaces; never commit lockfile changes by hand.",
  "",
  "## Testing",
  "",
  "Run `npx vitest run <file>`.",
  "",
  "### Fixtures",
  "Real SQLite files in temp folders.",
  "",
  "```md",
  "## not a heading inside a fence",
  "```",
  "",
  "## Web UI",
  "",
  "Applies to: `packages/web/**`, `*.tsx`",
  "",
  "Components are function components.",
  "",
  "## Testing",
  "",
  "Second testing section.",
  "",
].join("\n");

describe("AGENTS.md and CLAUDE.md", () => {
  it("turns sections into standards, keeping deeper headings and fenced text inside them", () => {
    const standards = parseAgentsMd(AGENTS_MD, "AGENTS.md");
    expect(standards.map((standard) => [standard.id, standard.description, standard.source?.line])).toEqual([
      ["acme-monorepo", "Acme monorepo", 2],
      ["testing", "Testing", 5],
      ["web-ui", "Web UI", 16],
      ["testing-2", "Testing", 22],
    ]);
    const [preamble, testing, web] = standards;
    expect(preamble?.instructions).toBe("Use npm workspaces; never commit lockfile changes by hand.");
    expect(preamble?.alwaysApply).toBe(true);
    expect(testing?.instructions).toContain("### Fixtures");
    expect(testing?.instructions).toContain("## not a heading inside a fence");
    expect(web).toMatchObject({ globs: ["packages/web/**", "*.tsx"], alwaysApply: false });
    expect(web?.instructions).toBe("Components are function components.");
    expect(standards.every((standard) => standard.source?.format === "agents-md")).toBe(true);
  });

  it("scopes a nested file's sections to its folder and reads CLAUDE.md the same way", () => {
    mkdirSync(join(dir, "packages", "api"), { recursive: true });
    const file = join(dir, "packages", "api", "CLAUDE.md");
    writeFileSync(
      file,
      "## Errors\n\nThrow tagged errors.\n\n## Routes\n\nApplies to: `routes/*.ts`\n\nOne file per route.\n",
    );
    const [errors, routes] = loadAgentsMd(file, { root: dir });
    expect(errors).toMatchObject({
      id: "packages-api-errors",
      globs: ["packages/api/**"],
      alwaysApply: false,
      source: { format: "claude-md", line: 1 },
    });
    expect(routes?.globs).toEqual(["packages/api/routes/*.ts"]);
    expect(standardAppliesTo(errors as InstructionStandard, "packages/api/src/x.ts")).toBe(true);
    expect(standardAppliesTo(errors as InstructionStandard, "packages/web/src/x.ts")).toBe(false);
    expect(standardAppliesTo(routes as InstructionStandard, "packages/api/routes/users.ts")).toBe(true);
    expect(standardAppliesTo(routes as InstructionStandard, "packages/api/routes/v2/users.ts")).toBe(false);
  });

  it("reports an Applies to: line without globs at its line", () => {
    let error: unknown;
    try {
      parseAgentsMd("# T\n\n## Web\n\nApplies to: the web app\n\nText.\n", "AGENTS.md");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]).toMatchObject({ file: "AGENTS.md", line: 5, column: 1 });
    expect((error as ValidationError).message).toContain("AGENTS.md:5:1");
  });

  it("refuses a file that is not UTF-8 at the line and column of its first bad byte", () => {
    const file = join(dir, "AGENTS.md");
    writeFileSync(
      file,
      Buffer.concat([Buffer.from("# T\n\n## Caf"), Buffer.from([0xe9]), Buffer.from("\n")]),
    );
    expect(() => loadAgentsMd(file)).toThrow(/AGENTS\.md:3:7.*not UTF-8/);
  });

  it("round-trips: load, export, load gives the same standards", () => {
    const file = join(dir, "AGENTS.md");
    writeFileSync(file, AGENTS_MD);
    const first = loadAgentsMd(file);
    exportAgentsMd(first, join(dir, "OUT.md"), { title: "Acme" });
    const second = loadAgentsMd(join(dir, "OUT.md"));
    expect(withoutSource(second)).toEqual(withoutSource(first));
  });

  it("carries Cursor rules into AGENTS.md and back without losing when they apply", () => {
    const rules = join(dir, "rules");
    mkdirSync(rules);
    writeFileSync(
      join(rules, "api.mdc"),
      "---\ndescription: API handlers\nglobs: src/api/**\nalwaysApply: false\n---\nValidate.\n",
    );
    writeFileSync(
      join(rules, "manual.mdc"),
      "---\ndescription: Release checklist\n---\nTag, then publish.\n",
    );
    const fromCursor = loadCursorRules(rules);
    const text = formatAgentsMd(fromCursor);
    expect(text).toContain("## API handlers\n\nApplies to: `src/api/**`\n\nValidate.");
    expect(text).toContain("## Release checklist\n\nApplies to: on request\n\nTag, then publish.");
    const fromAgents = parseAgentsMd(text, "AGENTS.md");
    expect(
      fromAgents.map(({ globs, alwaysApply, instructions }) => ({ globs, alwaysApply, instructions })),
    ).toEqual(
      fromCursor.map(({ globs, alwaysApply, instructions }) => ({ globs, alwaysApply, instructions })),
    );
    const back = loadCursorRules(rules);
    exportCursorRules(fromAgents, join(dir, "again"));
    expect(loadCursorRules(join(dir, "again")).map((standard) => standard.globs)).toEqual(
      back.map((standard) => standard.globs),
    );
  });

  it("keeps a standard whose instructions hold # headings, or whose description spans lines, one scoped section", () => {
    const react: InstructionStandard = {
      id: "react",
      description: "React components:\nhooks and props",
      instructions: [
        "# React",
        "",
        "Use function components.",
        "",
        "## Examples",
        "",
        "### Good",
        "",
        "```md",
        "# a fenced heading stays",
        "```",
      ].join("\n"),
      globs: ["src/**/*.tsx"],
      alwaysApply: false,
      source: { format: "cursor", file: "react.mdc", line: 1 },
    };
    const read = parseAgentsMd(formatAgentsMd([react]), "AGENTS.md");
    expect(read).toHaveLength(1);
    expect(read[0]).toMatchObject({
      description: "React components: hooks and props",
      globs: ["src/**/*.tsx"],
      alwaysApply: false,
      instructions: [
        "### React",
        "",
        "Use function components.",
        "",
        "#### Examples",
        "",
        "##### Good",
        "",
        "```md",
        "# a fenced heading stays",
        "```",
      ].join("\n"),
    });
  });
});
