import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  loadSkillsDir,
  MAX_SKILL_MD_BYTES,
  openFactory,
  safeLoadSkillsDir,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let skills: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-bad-skills-"));
  skills = join(dir, ".factory", "skills");
  skill(
    "release-notes",
    "---\nname: release-notes\ndescription: Write release notes.\n---\n\nList the changes.\n",
  );
  skill("mismatch", "---\nname: other-name\ndescription: Named after another folder.\n---\n\nBody.\n");
  skill("bare", "No front matter at all.\n");
  skill("linked", "---\nname: linked\ndescription: Has a linked reference.\n---\n\nBody.\n");
  symlinkSync(join(skills, "release-notes", "SKILL.md"), join(skills, "linked", "references"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function skill(name: string, text: string): void {
  mkdirSync(join(skills, name), { recursive: true });
  writeFileSync(join(skills, name, "SKILL.md"), text);
}

describe("a skills folder with bad skills", () => {
  it("still opens the factory, loading the good skills and keeping the bad ones as problems at file:line:column", async () => {
    const factory = await openFactory({ dir: join(dir, ".factory"), actor: "ana", durability: "normal" });
    try {
      expect(factory.skills.list().map((info) => info.name)).toContain("release-notes");
      expect(factory.skills.list().map((info) => info.name)).not.toContain("mismatch");
      const problems = factory.skills.problems();
      expect(problems.map((problem) => problem.name)).toEqual(["bare", "linked", "mismatch"]);
      const mismatch = problems.find((problem) => problem.name === "mismatch");
      expect(mismatch?.issues).toEqual([
        {
          path: "name",
          message: 'name "other-name" must equal the folder name "mismatch"',
          file: join(skills, "mismatch", "SKILL.md"),
          line: 2,
          column: 7,
        },
      ]);
      expect(mismatch?.message).toBe(
        `${join(skills, "mismatch", "SKILL.md")}:2:7: name: name "other-name" must equal the folder name "mismatch"`,
      );
      expect(problems.find((problem) => problem.name === "bare")?.message).toMatch(
        /bare\/SKILL\.md:1:1: SKILL\.md must start with YAML front matter/,
      );
      expect(problems.find((problem) => problem.name === "linked")?.message).toMatch(
        /linked\/references:1:1: references: is a symbolic link/,
      );
    } finally {
      await factory.close();
    }
  });

  it("refuses to read or run a skill that failed to load, naming its problems", async () => {
    const factory = await openFactory({ dir: join(dir, ".factory"), actor: "ana", durability: "normal" });
    try {
      const problem = `skill "mismatch" failed to load from ${join(skills, "mismatch")}; fix its SKILL.md:\n${join(skills, "mismatch", "SKILL.md")}:2:7`;
      expect(() => factory.skills.instructions("mismatch")).toThrow(ValidationError);
      expect(() => factory.skills.skillMd("mismatch")).toThrow(problem);
      await expect(factory.skills.run("mismatch", {})).rejects.toMatchObject({
        code: "E_VALIDATION",
        message: expect.stringContaining(problem),
        issues: [expect.objectContaining({ path: "name", line: 2, column: 7 })],
      });
      // A skill of no folder is still simply unknown.
      expect(factory.skills.instructions("nope")).toBeUndefined();
      await expect(factory.skills.run("nope", {})).rejects.toMatchObject({ code: "E_NOT_FOUND" });
      // The good skill reads as before.
      expect(factory.skills.skillMd("release-notes")).toContain("List the changes.");
    } finally {
      await factory.close();
    }
  });

  it("loads all or nothing with loadSkillsDir, and the good ones plus the problems with safeLoadSkillsDir", () => {
    expect(() => loadSkillsDir(skills)).toThrow(/invalid skill:\n.*bare\/SKILL\.md:1:1/);
    const { skills: loaded, problems } = safeLoadSkillsDir(skills);
    expect(loaded.map((found) => found.name)).toEqual(["release-notes"]);
    expect(problems.map((found) => [found.name, found.dir])).toEqual([
      ["bare", join(skills, "bare")],
      ["linked", join(skills, "linked")],
      ["mismatch", join(skills, "mismatch")],
    ]);
    expect(safeLoadSkillsDir(join(dir, "none"))).toEqual({ skills: [], problems: [] });
  });

  it("keeps a SKILL.md that cannot be read as a problem of that skill", () => {
    mkdirSync(join(skills, "unreadable", "SKILL.md"), { recursive: true });
    const { problems } = safeLoadSkillsDir(skills);
    expect(problems.find((problem) => problem.name === "unreadable")?.message).toMatch(
      /unreadable\/SKILL\.md:1:1: SKILL\.md: is a folder; a skill's files must be regular files/,
    );
  });

  it("reports a symbolic link to a skill folder as a problem naming the link, instead of skipping it silently", () => {
    symlinkSync(join(skills, "release-notes"), join(skills, "alias"));
    const { skills: loaded, problems } = safeLoadSkillsDir(skills);
    expect(loaded.map((found) => found.name)).toEqual(["release-notes"]);
    expect(problems.find((problem) => problem.name === "alias")).toMatchObject({
      dir: join(skills, "alias"),
      issues: [
        { path: "", file: join(skills, "alias"), message: expect.stringMatching(/is a symbolic link/) },
      ],
    });
    expect(() => loadSkillsDir(skills)).toThrow(/alias:1:1: is a symbolic link/);
  });

  it("reports a SKILL.md that is not UTF-8 at the line and column of its first bad byte", () => {
    mkdirSync(join(skills, "latin1"));
    const text = "---\nname: latin1\ndescription: Caf\u00e9 notes.\n---\n\nBody.\n";
    writeFileSync(join(skills, "latin1", "SKILL.md"), Buffer.from(text, "latin1"));
    const { skills: loaded, problems } = safeLoadSkillsDir(skills);
    expect(loaded.map((found) => found.name)).not.toContain("latin1");
    expect(problems.find((problem) => problem.name === "latin1")?.issues).toEqual([
      {
        path: "",
        message: "is not UTF-8 text (save it as UTF-8)",
        file: join(skills, "latin1", "SKILL.md"),
        line: 3,
        column: 17,
      },
    ]);
  });

  it("keeps a SKILL.md over MAX_SKILL_MD_BYTES as a problem saying its size, and loads the others", async () => {
    const head = "---\nname: huge\ndescription: Far too long.\n---\n\n";
    skill("huge", head + "x".repeat(MAX_SKILL_MD_BYTES + 1 - head.length));
    skill(
      "just-fits",
      `---\nname: just-fits\ndescription: At the limit.\n---\n\n${"y".repeat(MAX_SKILL_MD_BYTES - 64)}`,
    );
    const factory = await openFactory({ dir: join(dir, ".factory") });
    try {
      const names = factory.skills.list().map((info) => info.name);
      expect(names).toContain("just-fits");
      expect(names).not.toContain("huge");
      const huge = factory.skills.problems().find((problem) => problem.name === "huge");
      expect(huge?.issues).toEqual([expect.objectContaining({ file: join(skills, "huge", "SKILL.md") })]);
      expect(huge?.message).toContain(
        "SKILL.md:1:1: is 1,048,577 bytes, over the 1,048,576 a SKILL.md may hold",
      );
      expect(() => factory.skills.instructions("huge")).toThrow(ValidationError);
    } finally {
      await factory.close();
    }
  });
});

describe("a skills folder that is not a folder", () => {
  it("opens the factory with the stray file listed as a skills problem naming its path", async () => {
    rmSync(skills, { recursive: true });
    writeFileSync(skills, "not a folder\n");
    const factory = await openFactory({ dir: join(dir, ".factory"), actor: "ana", durability: "normal" });
    try {
      expect(factory.skills.problems()).toEqual([
        {
          name: "skills",
          dir: skills,
          issues: [
            { path: "", file: skills, message: expect.stringMatching(/^is a file, not a folder of skills/) },
          ],
          message: expect.stringContaining(`${skills}:1:1: is a file, not a folder of skills`),
        },
      ]);
      expect(factory.skills.list().map((info) => info.name)).toContain("summarize-line");
      expect(factory.work.list()).toEqual([]);
    } finally {
      await factory.close();
    }
    expect(() => loadSkillsDir(skills)).toThrow(ValidationError);
  });
});
