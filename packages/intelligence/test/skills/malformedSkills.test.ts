import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { defineSkill, type Factory, openFactory, type Skill } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

/** A valid skill, with `fields` put over it (as a JavaScript caller might get them wrong). */
function skillWith(fields: Record<string, unknown>): Skill {
  return {
    name: "echo",
    description: "Echoes a text.",
    input: z.object({ text: z.string() }),
    output: z.object({ text: z.string() }),
    run: async ({ text }: { text: string }) => ({ text }),
    ...fields,
  } as unknown as Skill;
}

const WRONG_FIELDS: readonly [string, unknown][] = [
  ["description", 42],
  ["input", { text: "string" }],
  ["output", null],
  ["run", "echo"],
  ["requires", ["gpu"]],
  ["instructions", 42],
];

let dir: string;
let factory: Factory;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "intelligence-malformed-skills-"));
  factory = await openFactory({ dir: join(dir, ".factory") });
});

afterAll(async () => {
  await factory?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a skill with a field of the wrong type", () => {
  for (const [field, value] of WRONG_FIELDS) {
    it(`is refused by defineSkill, naming ${field}`, () => {
      expect(() => defineSkill(skillWith({ [field]: value }))).toThrow(
        expect.objectContaining({
          constructor: ValidationError,
          message: expect.stringMatching(new RegExp(`^skill "echo" is invalid: ${field}[:[]`)),
        }),
      );
    });

    it(`is refused by skills.add with the good skills given with it, naming ${field}`, () => {
      const good = skillWith({ name: "good-one" });
      expect(() => factory.skills.add(good, skillWith({ [field]: value }))).toThrow(ValidationError);
      expect(factory.skills.list().map((skill) => skill.name)).not.toContain("good-one");
      expect(factory.skills.list().map((skill) => skill.name)).not.toContain("echo");
    });
  }

  it("is refused by openFactory", async () => {
    await expect(
      openFactory({ dir: join(dir, "other"), skills: [skillWith({ input: 42 })] }),
    ).rejects.toThrow(/skill "echo" is invalid: input: must be a zod schema/);
  });
});
