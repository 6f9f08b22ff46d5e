import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ValidationIssue } from "@software-factory/core";
import {
  loadSkillFolder,
  MAX_SKILL_FILES,
  MAX_SKILL_FILES_BYTES,
  safeLoadSkillsDir,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { caughtValidationError as caught } from "../fixtures/caughtValidationError.js";

// A skill folder is walked to list its files (read later, on demand). Before, the walk entered
// every folder: a skill whose scripts/ held a node_modules listed each installed file as a file of
// the skill, and a folder of any size was listed whole at every factory open.

let skills: string;
beforeEach(() => {
  skills = mkdtempSync(join(tmpdir(), "bounded-skills-"));
});
afterEach(() => {
  rmSync(skills, { recursive: true, force: true });
});

function skill(name: string): string {
  const dir = join(skills, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "SKILL.md"), `---\nname: ${name}\ndescription: Does ${name}.\n---\n\nBody.\n`);
  return dir;
}

function write(dir: string, path: string, text = "x"): void {
  const file = join(dir, path);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
}

describe("skill folders, bounded", () => {
  it("skips node_modules and .git folders at any depth with a warning naming each, listing the other files", () => {
    const dir = skill("pdf");
    write(dir, "scripts/fill.js");
    write(dir, "scripts/node_modules/pdf-lib/index.js");
    write(dir, "scripts/node_modules/pdf-lib/package.json");
    write(dir, "vendor/tool/.git/HEAD");
    write(dir, "vendor/tool/README.md");
    write(dir, ".git/config");
    const warnings: ValidationIssue[] = [];

    const loaded = loadSkillFolder(dir, { onWarning: (warning) => warnings.push(warning) });

    expect(loaded.files).toEqual(["scripts/fill.js", "vendor/tool/README.md"]);
    expect(warnings.map(({ path, file }) => [path, file]).sort()).toEqual([
      [".git", join(dir, ".git")],
      ["scripts/node_modules", join(dir, "scripts", "node_modules")],
      ["vendor/tool/.git", join(dir, "vendor", "tool", ".git")],
    ]);
    expect(warnings[0]?.message).toBe(
      "is skipped: installed packages and version control are not files of a skill",
    );
  });

  it(`refuses a folder of more than ${MAX_SKILL_FILES} files, naming the folder and the limit, and loads the other skills`, () => {
    const big = skill("big");
    for (let index = 0; index <= MAX_SKILL_FILES; index++) write(big, `data/${index}.txt`);
    skill("small");

    const error = caught(() => loadSkillFolder(big, { onWarning: () => {} }));
    const { skills: loaded, problems } = safeLoadSkillsDir(skills, { onWarning: () => {} });

    expect(error.issues).toEqual([
      {
        path: "",
        file: big,
        message:
          "holds more than 1,000 files besides SKILL.md (MAX_SKILL_FILES), the most a skill's folder may hold; keep the files its instructions name, and nothing installed or generated",
      },
    ]);
    expect(loaded.map((one) => one.name)).toEqual(["small"]);
    expect(problems.map((problem) => problem.name)).toEqual(["big"]);
  });

  it("refuses a folder whose files hold more than MAX_SKILL_FILES_BYTES together, naming the folder and the limit", () => {
    const dir = skill("dataset");
    write(dir, "assets/a.bin");
    write(dir, "assets/b.bin");
    // Sparse files: their size counts, no disk is used.
    truncateSync(join(dir, "assets", "a.bin"), MAX_SKILL_FILES_BYTES / 2);
    truncateSync(join(dir, "assets", "b.bin"), MAX_SKILL_FILES_BYTES / 2 + 1);

    const error = caught(() => loadSkillFolder(dir));

    expect(error.issues).toMatchObject([{ path: "", file: dir }]);
    expect(error.message).toContain(
      "holds more than 67,108,864 bytes of files besides SKILL.md (MAX_SKILL_FILES_BYTES)",
    );
  });
});
