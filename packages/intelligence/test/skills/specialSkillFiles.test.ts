/**
 * A named pipe or a link to a device where a skill's files are is a problem
 * of that skill, never opened: a FIFO named SKILL.md blocked the process
 * that loaded the skills (the MCP server, every `factory` command) until a
 * writer came, and a SKILL.md linked to /dev/zero was read until memory ran
 * out (audit-robust finding 2).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openFactory, safeLoadSkillsDir } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let skills: string;
/** Processes waiting to write into a FIFO: a load that opened it would read their end of file, not hang. */
const writers: ChildProcess[] = [];

/** A FIFO at `path`, and a process that opens it for writing, so that a reader that opens it gets an empty file. */
function fifo(path: string): void {
  execFileSync("mkfifo", [path]);
  writers.push(spawn(process.execPath, ["-e", `require("node:fs").openSync(${JSON.stringify(path)}, "w")`]));
}

function skill(name: string, text = `---\nname: ${name}\ndescription: A skill.\n---\n\nBody.\n`): string {
  mkdirSync(join(skills, name), { recursive: true });
  if (text !== "") writeFileSync(join(skills, name, "SKILL.md"), text);
  return join(skills, name);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-special-skills-"));
  skills = join(dir, ".factory", "skills");
  skill("good");
  fifo(join(skill("piped", ""), "SKILL.md"));
  symlinkSync("/dev/zero", join(skill("zeros", ""), "SKILL.md"));
  const scripts = join(skill("piped-script"), "scripts");
  mkdirSync(scripts);
  fifo(join(scripts, "run.sh"));
});

afterEach(() => {
  for (const writer of writers.splice(0)) writer.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe("a skills folder holding a named pipe or a link to a device", () => {
  it("loads the other skills and reports each of those, naming the file and what it is", () => {
    const { skills: loaded, problems } = safeLoadSkillsDir(skills);
    expect(loaded.map((loadedSkill) => loadedSkill.name)).toEqual(["good"]);
    expect(problems.map((problem) => problem.message)).toEqual([
      `${join(skills, "piped", "SKILL.md")}:1:1: SKILL.md: is a named pipe (FIFO); a skill's files must be regular files inside its folder`,
      `${join(skills, "piped-script", "scripts", "run.sh")}:1:1: scripts/run.sh: is a named pipe (FIFO); a skill's files must be regular files inside its folder`,
      `${join(skills, "zeros", "SKILL.md")}:1:1: SKILL.md: is a symbolic link; a skill's files must be regular files inside its folder`,
    ]);
  });

  it("still opens the factory, with those skills as problems", async () => {
    const factory = await openFactory({ dir: join(dir, ".factory"), actor: "ana", durability: "normal" });
    try {
      expect(factory.skills.list().map((info) => info.name)).toContain("good");
      expect(factory.skills.problems().map((problem) => problem.name)).toEqual([
        "piped",
        "piped-script",
        "zeros",
      ]);
    } finally {
      await factory.close();
    }
  });
});
