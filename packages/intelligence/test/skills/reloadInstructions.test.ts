import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ValidationError } from "@software-factory/core";
import { type Factory, loadSkillFolder, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let root: string;
let factory: Factory;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "factory-reload-skills-"));
  factory = await openFactory({ dir: join(root, "factory") });
});

afterEach(async () => {
  await factory.close();
  rmSync(root, { recursive: true, force: true });
});

/** Writes `<skills>/<folder>/SKILL.md` with that name, description and body. */
function writeSkill(skills: string, folder: string, description: string, body = "Do it well."): void {
  mkdirSync(join(skills, folder), { recursive: true });
  writeFileSync(
    join(skills, folder, "SKILL.md"),
    `---\nname: ${folder}\ndescription: ${description}\n---\n${body}\n`,
  );
}

const instructionNames = () =>
  factory.skills
    .list()
    .filter((skill) => skill.instructions && !skill.runnable)
    .map((skill) => skill.name);

describe("SkillRegistry.instructionsDir", () => {
  it("is the absolute <dir>/skills a factory loads by default, present or not", () => {
    expect(factory.skills.instructionsDir).toBe(join(root, "factory", "skills"));
  });

  it("is the skillsDir a factory was opened with, resolved against the working directory", async () => {
    const elsewhere = join(root, "team-skills");
    writeSkill(elsewhere, "triage", "Triages a signal");
    const opened = await openFactory({
      dir: join(root, "other"),
      skillsDir: relative(process.cwd(), elsewhere),
    });
    try {
      expect(opened.skills.instructionsDir).toBe(elsewhere);
      expect(opened.skills.instructions("triage")?.description).toBe("Triages a signal");
    } finally {
      await opened.close();
    }
  });
});

describe("SkillRegistry.reloadInstructions", () => {
  it("adds a skill folder written after open, takes a changed SKILL.md and drops a removed folder", () => {
    const skills = join(root, "factory", "skills");
    writeSkill(skills, "triage", "Triages a signal", "Find the line.");
    const added = factory.skills.reloadInstructions(skills);
    expect(added.skills.map((skill) => skill.name)).toEqual(["triage"]);
    expect(added.problems).toEqual([]);
    expect(factory.skills.instructions("triage")?.instructions).toBe("Find the line.");

    writeSkill(skills, "triage", "Triages a signal", "Find the owner.");
    factory.skills.reloadInstructions(skills);
    expect(factory.skills.instructions("triage")?.instructions).toBe("Find the owner.");

    rmSync(join(skills, "triage"), { recursive: true });
    expect(factory.skills.reloadInstructions(skills)).toEqual({ skills: [], problems: [] });
    expect(factory.skills.instructions("triage")).toBeUndefined();
    expect(instructionNames()).toEqual([]);
  });

  it("replaces a skill saved malformed by its problem, and drops the problem once the SKILL.md is fixed", () => {
    const skills = join(root, "factory", "skills");
    writeSkill(skills, "triage", "Triages a signal");
    factory.skills.reloadInstructions(skills);

    writeFileSync(join(skills, "triage", "SKILL.md"), "---\nname: triage\n---\nNo description.\n");
    const broken = factory.skills.reloadInstructions(skills);
    expect(broken.problems.map((problem) => problem.name)).toEqual(["triage"]);
    expect(factory.skills.problems()[0]?.message).toContain(`${join(skills, "triage", "SKILL.md")}:2:1`);
    expect(() => factory.skills.instructions("triage")).toThrow(ValidationError);
    expect(instructionNames()).toEqual([]);

    writeSkill(skills, "triage", "Triages a signal");
    factory.skills.reloadInstructions(skills);
    expect(factory.skills.problems()).toEqual([]);
    expect(factory.skills.instructions("triage")?.description).toBe("Triages a signal");
  });

  it("names a skills folder that became a file as a problem, and drops it when the folder is back", () => {
    const skills = join(root, "factory", "skills");
    writeFileSync(skills, "not a folder");
    const { problems } = factory.skills.reloadInstructions(skills);
    expect(problems).toHaveLength(1);
    expect(factory.skills.problems()).toHaveLength(1);

    rmSync(skills);
    writeSkill(skills, "triage", "Triages a signal");
    factory.skills.reloadInstructions(skills);
    expect(factory.skills.problems()).toEqual([]);
    expect(instructionNames()).toEqual(["triage"]);
  });

  it("keeps the runnable skills and the instruction skills loaded from another folder", () => {
    const skills = join(root, "factory", "skills");
    const elsewhere = join(root, "shared-skills");
    writeSkill(elsewhere, "review", "Reviews a change");
    factory.skills.addInstructions(loadSkillFolder(join(elsewhere, "review")));
    const runnable = factory.skills.list().filter((skill) => skill.runnable);
    writeSkill(skills, "triage", "Triages a signal");

    factory.skills.reloadInstructions(skills);
    rmSync(join(skills, "triage"), { recursive: true });
    factory.skills.reloadInstructions(skills);

    expect(instructionNames()).toEqual(["review"]);
    expect(factory.skills.list().filter((skill) => skill.runnable)).toEqual(runnable);
    expect(factory.skills.instructions("summarize-line")?.instructions).toContain("run_skill");
  });
});
