import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { RELEASE_NOTES_MD, writeReleaseNotesSkill } from "./releaseNotesSkill.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** Runs `factory standards export --format <format> --to <to> --instructions repo <flags>`. */
const exportStandards = (format: string, to: string, ...flags: string[]) =>
  factory("standards", "export", "--format", format, "--to", to, "--instructions", "repo", ...flags);
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

const TYPESCRIPT_MDC = `---
description: TypeScript style
globs: src/**/*.ts
alwaysApply: false
---

Use named exports; no default exports.
`;

const AGENTS_MD = `# AGENTS.md

## Testing

Run \`npx vitest run\` before committing.
`;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-export-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "repo", ".cursor", "rules"), { recursive: true });
  writeFileSync(join(cwd, "repo", ".cursor", "rules", "typescript.mdc"), TYPESCRIPT_MDC);
  writeFileSync(join(cwd, "repo", "AGENTS.md"), AGENTS_MD);
  writeReleaseNotesSkill(cwd);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory standards export", () => {
  it(
    "writes the instruction standards as one AGENTS.md, and leaves a file with other content alone unless --force",
    SLOW,
    async () => {
      const out = join(cwd, "out", "CLAUDE.md");
      const first = await exportStandards("agents-md", out);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`created   ${out}`);
      expect(first.stdout).toContain("2 standards exported as CLAUDE.md");
      const written = readFileSync(out, "utf8");
      expect(written).toMatch(/^# CLAUDE\.md\n/);
      expect(written).toContain("## TypeScript style\n\nApplies to: `src/**/*.ts`\n\nUse named exports");
      expect(written).toContain("## Testing\n\nRun `npx vitest run` before committing.");

      const again = await exportStandards("agents-md", out, "--json");
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({
        format: "agents-md",
        standards: 2,
        throughImports: 0,
        files: [{ path: out, status: "unchanged" }],
      });

      writeFileSync(out, "# Mine\n\nHand-written.\n");
      const refused = await exportStandards("agents-md", out);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        `error: E_EXISTS: not replacing ${out}: it holds other content; give --force to replace it\n`,
      );
      expect(readFileSync(out, "utf8")).toBe("# Mine\n\nHand-written.\n");

      const forced = await exportStandards("agents-md", out, "--force");
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toContain(`updated   ${out}`);
      expect(readFileSync(out, "utf8")).toBe(written);
    },
  );

  it(
    "counts what a CLAUDE.md written in place leaves to its @imports apart from what it writes",
    SLOW,
    async () => {
      const repo = join(cwd, "imports");
      mkdirSync(join(repo, "docs"), { recursive: true });
      const claude = "# CLAUDE.md\n\n## Git\n\nFollow @docs/git.md when you commit.\n";
      writeFileSync(join(repo, "CLAUDE.md"), claude);
      writeFileSync(join(repo, "docs", "git.md"), "# Git\n\nRebase on main; never merge it in.\n");
      const args = ["standards", "export", "--format", "agents-md", "--to", join(repo, "CLAUDE.md")];
      const text = await factory(...args, "--instructions", "imports", "--force");
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain("1 standard exported as CLAUDE.md, 1 more read through its @imports");
      expect(readFileSync(join(repo, "CLAUDE.md"), "utf8")).toBe(claude);
      const json = await factory(...args, "--instructions", "imports", "--json");
      expect(JSON.parse(json.stdout)).toMatchObject({ standards: 1, throughImports: 1 });
    },
  );

  it("writes AGENTS.md into a folder given with a trailing slash that does not exist yet", SLOW, async () => {
    const folder = join(cwd, "out", "new-folder");
    const result = await exportStandards("agents-md", `${folder}/`);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`created   ${join(folder, "AGENTS.md")}`);
    expect(readFileSync(join(folder, "AGENTS.md"), "utf8")).toMatch(/^# AGENTS\.md\n/);
  });

  it("writes Cursor rules, one .mdc per standard, into a folder", SLOW, async () => {
    const rules = join(cwd, "out", "rules");
    const result = await exportStandards("cursor", rules);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(rules, "typescript.mdc"), "utf8")).toBe(
      "---\ndescription: TypeScript style\nglobs: src/**/*.ts\nalwaysApply: false\n---\n\nUse named exports; no default exports.\n",
    );
    expect(existsSync(join(rules, "testing.mdc"))).toBe(true);
    expect(result.stdout).toContain("2 standards exported as Cursor rules");
  });

  it("refuses bad flags (exit 2) and a repository without instruction files (exit 1)", SLOW, async () => {
    const format = await exportStandards("word", "x");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('E_USAGE: --format: must be one of "cursor", "agents-md"');
    const to = await factory("standards", "export", "--format", "cursor");
    expect(to.code).toBe(2);
    expect(to.stderr).toContain("--to");
    const repo = await factory(
      "standards",
      "export",
      "--format",
      "cursor",
      "--to",
      "x",
      "--instructions",
      "nope",
    );
    expect(repo.code).toBe(2);
    expect(repo.stderr).toMatch(/E_USAGE: --instructions: .*nope does not exist/);
    const file = await exportStandards("cursor", "factory.yaml");
    expect(file.code).toBe(2);
    expect(file.stderr).toContain("--format cursor writes a folder");
    mkdirSync(join(cwd, "bare"), { recursive: true });
    const bare = await factory(
      "standards",
      "export",
      "--format",
      "cursor",
      "--to",
      "x",
      "--instructions",
      "bare",
    );
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/^error: E_NOT_FOUND: no instruction standards to export/);
    expect(existsSync(join(cwd, "x"))).toBe(false);
  });

  it("does not say an instruction file is missing when it is there and holds no standard", SLOW, async () => {
    mkdirSync(join(cwd, "headed"), { recursive: true });
    writeFileSync(join(cwd, "headed", "AGENTS.md"), "# AGENTS.md\n");
    const headed = await factory(
      "standards",
      "export",
      "--format",
      "agents-md",
      "--to",
      "y/",
      "--instructions",
      "headed",
    );
    expect(headed.code).toBe(1);
    expect(headed.stderr.split("\n")[0]).toBe(
      "error: E_NOT_FOUND: no instruction standards to export: no .cursor/rules, AGENTS.md or CLAUDE.md " +
        `in ${join(cwd, "headed")} or its folders holds one (give the repository with --instructions)`,
    );
    expect(existsSync(join(cwd, "y"))).toBe(false);
  });
});

describe("factory standards export, where it cannot write", () => {
  it("names the file and says why in words", SLOW, async () => {
    writeFileSync(join(cwd, "plain"), "x");
    const under = await factory(
      "standards",
      "export",
      "--format",
      "agents-md",
      "--to",
      join(cwd, "plain", "AGENTS.md"),
      "--instructions",
      "repo",
    );
    expect(under.code).toBe(1);
    expect(under.stderr).toBe(
      `error: E_WRITE: cannot write ${join(cwd, "plain", "AGENTS.md")}: a file stands where a folder is needed (ENOTDIR)\n`,
    );
  });
});

describe("factory skills export", () => {
  it("exports an instruction skill and a built-in one as Agent Skills folders", SLOW, async () => {
    const to = join(cwd, "agent-skills");
    const own = await factory("skills", "export", "release-notes", "--to", to);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stdout).toBe(`created   ${join(to, "release-notes", "SKILL.md")}\n`);
    expect(readFileSync(join(to, "release-notes", "SKILL.md"), "utf8")).toContain("name: release-notes");

    const builtin = await factory("skills", "export", "summarize-line", "--to", to, "--json");
    expect(builtin.code, builtin.stderr).toBe(0);
    expect(JSON.parse(builtin.stdout)).toEqual({
      skill: "summarize-line",
      path: join(to, "summarize-line"),
      status: "created",
    });
    expect(readFileSync(join(to, "summarize-line", "SKILL.md"), "utf8")).toMatch(
      /^---\nname: summarize-line\n/,
    );

    // Exporting it again changes nothing, and says so.
    const again = await factory("skills", "export", "release-notes", "--to", to);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^unchanged /);
  });

  it(
    "gives the exported folder and files the usual permissions, not mkdtemp's private ones",
    SLOW,
    async () => {
      const to = join(cwd, "modes");
      const exported = await factory("skills", "export", "release-notes", "--to", to);
      expect(exported.code, exported.stderr).toBe(0);
      const umask = process.umask();
      expect(statSync(join(to, "release-notes")).mode & 0o777).toBe(0o777 & ~umask);
      expect(statSync(join(to, "release-notes", "SKILL.md")).mode & 0o777).toBe(0o666 & ~umask);
    },
  );

  it("keeps local changes to an export (an edited or added file) unless --force", SLOW, async () => {
    const to = join(cwd, "edited");
    expect((await factory("skills", "export", "release-notes", "--to", to)).code).toBe(0);
    const folder = join(to, "release-notes");
    writeFileSync(join(folder, "NOTES.md"), "my notes");
    writeFileSync(join(folder, "SKILL.md"), `${RELEASE_NOTES_MD}\nMy own step.\n`);
    const refused = await factory("skills", "export", "release-notes", "--to", to);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: E_EXISTS: not replacing ${join(folder, "NOTES.md")}, ${join(folder, "SKILL.md")}: they differ from the export of the skill release-notes (changed or added since); give --force to replace them\n`,
    );
    expect(readFileSync(join(folder, "NOTES.md"), "utf8")).toBe("my notes");
    expect(readFileSync(join(folder, "SKILL.md"), "utf8")).toContain("My own step.");

    // A file of the export that was removed is written back: nothing of anyone's is lost.
    rmSync(join(folder, "NOTES.md"));
    writeFileSync(join(folder, "SKILL.md"), "gone");
    rmSync(join(folder, "SKILL.md"));
    const restored = await factory("skills", "export", "release-notes", "--to", to);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^updated /);

    writeFileSync(join(folder, "NOTES.md"), "my notes");
    const forced = await factory("skills", "export", "release-notes", "--to", to, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(join(folder, "NOTES.md"))).toBe(false);
  });

  it("names the path when --to is a file or cannot be written", SLOW, async () => {
    writeFileSync(join(cwd, "a-file"), "x");
    const file = await factory("skills", "export", "release-notes", "--to", join(cwd, "a-file"));
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(
      new RegExp(`^error: E_USAGE: --to: ${join(cwd, "a-file")} is a file; give the folder`),
    );
    const under = await factory("skills", "export", "release-notes", "--to", join(cwd, "a-file", "x"));
    expect(under.code).toBe(1);
    expect(under.stderr).toMatch(
      /^error: E_WRITE: cannot write .*a-file\/x: a file stands where a folder is needed/,
    );
  });

  it("leaves a folder holding other files alone unless --force, and names unknown skills", SLOW, async () => {
    const to = join(cwd, "busy");
    mkdirSync(join(to, "release-notes"), { recursive: true });
    writeFileSync(join(to, "release-notes", "notes.txt"), "mine");
    const refused = await factory("skills", "export", "release-notes", "--to", to);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error: E_EXISTS: not replacing .*release-notes\/notes.txt: it differs from the export of the skill release-notes/,
    );
    expect(readFileSync(join(to, "release-notes", "notes.txt"), "utf8")).toBe("mine");
    const forced = await factory("skills", "export", "release-notes", "--to", to, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(join(to, "release-notes", "notes.txt"))).toBe(false);

    const unknown = await factory("skills", "export", "nope", "--to", to);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^error: E_NOT_FOUND: <name>: no skill "nope"; the skills with instructions are .*release-notes/,
    );
    const runnableOnly = await factory("skills", "export", "review-item", "--to", to);
    expect(runnableOnly.code).toBe(1);
    expect(runnableOnly.stderr).toContain('the skill "review-item" has no instructions (SKILL.md) to export');
    const noTo = await factory("skills", "export", "release-notes");
    expect(noTo.code).toBe(2);
  });
});
