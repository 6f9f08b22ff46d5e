import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type InstructionStandard, loadAgentsMd, standardAppliesTo } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempRepository } from "./tempRepository.js";

// Claude Code reads `@path` in a CLAUDE.md as an import of that file (relative to the importing
// file, not in code spans or fences, up to 5 hops). Before, the text `@docs/testing.md` was all a
// factory kept: the instructions an agent under Claude Code reads were missing from its standards.

const repo = useTempRepository("claude-imports-");
const { write, load } = repo;

describe("CLAUDE.md @path imports", () => {
  it("makes each imported file a standard after its section, scoped like it, naming the import's file and line", () => {
    const claude = write(
      "CLAUDE.md",
      [
        "# Acme",
        "",
        "See @README.md for the overview. Shared rules: @AGENTS.md",
        "",
        "## API",
        "",
        "Applies to: `src/api/**`",
        "",
        "- git workflow @docs/git-instructions.md",
        "- decorators look like `@docs/not-an-import.md`",
        "",
        "```md",
        "@docs/fenced.md",
        "```",
      ].join("\n"),
    );
    write("README.md", "# Acme\n\nA billing service.\n");
    write("AGENTS.md", "## Shared\n\nBe kind.\n");
    write("docs/git-instructions.md", "Rebase, never merge.\nSee @style/commits.md\n");
    write("docs/style/commits.md", "Imperative subject lines.\n");
    write("docs/not-an-import.md", "never read\n");
    write("docs/fenced.md", "never read\n");

    const { standards, warnings } = load();

    expect(warnings).toEqual([]);
    expect(standards.map((standard) => [standard.id, standard.description])).toEqual([
      ["shared", "Shared"],
      ["acme", "Acme"],
      ["readme", "README.md"],
      ["api", "API"],
      ["docs-git-instructions", "docs/git-instructions.md"],
      ["docs-style-commits", "docs/style/commits.md"],
    ]);
    const byId = new Map(standards.map((standard) => [standard.id, standard]));
    expect(byId.get("readme")).toMatchObject({
      instructions: "# Acme\n\nA billing service.",
      alwaysApply: true,
      globs: [],
      source: {
        format: "claude-md",
        file: join(repo.root, "README.md"),
        line: 1,
        importedBy: { file: claude, line: 3 },
      },
    });
    const commits = byId.get("docs-style-commits") as InstructionStandard;
    expect(commits).toMatchObject({
      instructions: "Imperative subject lines.",
      alwaysApply: false,
      globs: ["src/api/**"],
      source: { importedBy: { file: join(repo.root, "docs", "git-instructions.md"), line: 2 } },
    });
    expect(standardAppliesTo(commits, "src/api/users.ts")).toBe(true);
    expect(standardAppliesTo(commits, "web/page.tsx")).toBe(false);
  });

  it("warns at the import's file, line and column for a missing file, one outside the root and one in the home folder", () => {
    writeFileSync(join(repo.parent, "secret.md"), "outside the repository\n");
    const claude = write(
      "CLAUDE.md",
      "# Acme\n\nOverview: @docs/missing.md\nPersonal: @~/.claude/my-project.md\nShared: @../secret.md\n",
    );

    const { standards, warnings } = load();

    expect(standards.map((standard) => standard.id)).toEqual(["acme"]);
    expect(warnings.map(({ file, line, column, path }) => [file, line, column, path])).toEqual([
      [claude, 3, 11, "@docs/missing.md"],
      [claude, 4, 11, "@~/.claude/my-project.md"],
      [claude, 5, 9, "@../secret.md"],
    ]);
    expect(warnings[0]?.message).toBe(
      'imports "docs/missing.md", which is not a file in the repository; nothing was imported (write it in backquotes if it is not an import)',
    );
    expect(warnings[1]?.message).toContain("home folder, which is not read");
    expect(warnings[2]?.message).toContain(`outside the repository root ${repo.root}`);
  });

  it("reads a file once through a cycle and stops 5 hops from the CLAUDE.md, warning at each import not followed", () => {
    write("CLAUDE.md", "@docs/1.md\n");
    for (let hop = 1; hop <= 6; hop++) write(`docs/${hop}.md`, `Hop ${hop}. Next: @${hop + 1}.md\n`);
    write("docs/7.md", "never read\n");
    write("docs/2.md", "Hop 2. Next: @3.md and back: @1.md\n");

    const { standards, warnings } = load();

    expect(standards.map((standard) => standard.id)).toEqual([
      "general",
      "docs-1",
      "docs-2",
      "docs-3",
      "docs-4",
      "docs-5",
    ]);
    expect(warnings.map(({ file, line, path, message }) => [file, line, path, message])).toEqual([
      [
        join(repo.root, "docs", "5.md"),
        1,
        "@6.md",
        `imports "6.md" more than 5 hops from ${join(repo.root, "CLAUDE.md")}, past the depth Claude Code follows; not read`,
      ],
      [
        join(repo.root, "docs", "2.md"),
        1,
        "@1.md",
        'imports "1.md", which is already on this chain of imports (a cycle); it is read once',
      ],
    ]);
  });

  it("scopes a nested CLAUDE.md's imports under its folder and refuses a link out of the repository", () => {
    writeFileSync(join(repo.parent, "elsewhere.md"), "outside\n");
    symlinkSync(join(repo.parent, "elsewhere.md"), join(repo.root, "linked.md"));
    write("packages/api/CLAUDE.md", "## Errors\n\nSee @docs/errors.md and @../../linked.md\n");
    write("packages/api/docs/errors.md", "Throw tagged errors.\n");

    const { standards, warnings } = load();

    expect(standards.map(({ id, globs, alwaysApply }) => [id, globs, alwaysApply])).toEqual([
      ["packages-api-errors", ["packages/api/**"], false],
      ["packages-api-docs-errors", ["packages/api/**"], false],
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: "@../../linked.md", line: 3, column: 25 });
    expect(warnings[0]?.message).toContain("a link to");
  });

  it("reads a file whose name starts with two dots as inside the repository", () => {
    write("CLAUDE.md", "Notes: @..notes.md\n");
    write("..notes.md", "Dotted notes.\n");

    const { standards, warnings } = load();

    expect(warnings).toEqual([]);
    expect(standards.map((standard) => [standard.id, standard.instructions])).toEqual([
      ["general", "Notes: @..notes.md"],
      ["notes", "Dotted notes."],
    ]);
  });

  it("follows the imports written in an AGENTS.md a CLAUDE.md imports, counting it as a hop, and not in one no CLAUDE.md imports", () => {
    const claude = write("CLAUDE.md", "@AGENTS.md\n\n## Claude\n\nPlan first.\n");
    const agents = write("AGENTS.md", "## Shared\n\nGit: @docs/git.md\n");
    write("docs/git.md", "Rebase, never merge. Next: @1.md\n");
    for (let hop = 1; hop <= 4; hop++) write(`docs/${hop}.md`, `Hop ${hop + 2}. Next: @${hop + 1}.md\n`);
    write("docs/5.md", "never read: 7 hops from the CLAUDE.md\n");
    write("packages/api/AGENTS.md", "## API\n\nErrors: @docs/errors.md\n");
    write("packages/api/docs/errors.md", "never read: Codex does not follow @\n");

    const { standards, warnings } = load();

    expect(standards.map((standard) => [standard.id, standard.source?.importedBy?.file])).toEqual([
      ["shared", undefined],
      ["general", undefined],
      ["docs-git", agents],
      ["docs-1", join(repo.root, "docs", "git.md")],
      ["docs-2", join(repo.root, "docs", "1.md")],
      ["docs-3", join(repo.root, "docs", "2.md")],
      ["claude", undefined],
      ["packages-api-api", undefined],
    ]);
    expect(standards.find((standard) => standard.id === "docs-git")).toMatchObject({
      instructions: "Rebase, never merge. Next: @1.md",
      alwaysApply: true,
      source: { format: "claude-md", importedBy: { file: agents, line: 3 } },
    });
    expect(warnings.map(({ file, path, message }) => [file, path, message])).toEqual([
      [
        join(repo.root, "docs", "3.md"),
        "@4.md",
        `imports "4.md" more than 5 hops from ${claude}, past the depth Claude Code follows; not read`,
      ],
    ]);
  });

  it("follows imports when one CLAUDE.md is loaded alone, its folder taken as the root", () => {
    const claude = write("CLAUDE.md", "# Acme\n\nShared rules: @AGENTS.md\n");
    write("AGENTS.md", "## Shared\n\nBe kind.\n");

    const standards = loadAgentsMd(claude, { onWarning: () => {} });

    expect(standards.map((standard) => [standard.id, standard.instructions])).toEqual([
      ["acme", "Shared rules: @AGENTS.md"],
      ["agents", "## Shared\n\nBe kind."],
    ]);
  });
});
