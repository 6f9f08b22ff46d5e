import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineFactorySkill,
  defineSkill,
  type Factory,
  openFactory,
  type Skill,
  type SkillContext,
} from "@software-factory/intelligence";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";

// The TSDoc example of defineFactorySkill, as written there: `services` is the Factory without an annotation.
const ownerOf = defineFactorySkill({
  name: "owner-of-line",
  description: "Who owns a line",
  input: z.object({ line: z.string() }),
  output: z.object({ owner: z.string().nullable() }),
  run: async ({ line }, { services }) => ({ owner: services.floorplan.line(line)?.owner ?? null }),
});

describe("skill types", () => {
  it("types the services of a factory skill as the Factory, and openFactory takes it", async () => {
    expectTypeOf(ownerOf).toEqualTypeOf<
      Skill<z.ZodObject<{ line: z.ZodString }>, z.ZodObject<{ owner: z.ZodNullable<z.ZodString> }>, Factory>
    >();
    expectTypeOf<Parameters<typeof ownerOf.run>[1]["services"]>().toEqualTypeOf<Factory>();

    const dir = mkdtempSync(join(tmpdir(), "factory-skill-types-"));
    const factory = await openFactory({ dir, durability: "normal", skills: [ownerOf] });
    try {
      await factory.floorplan.applyPlan({
        operators: [{ id: "ana" }],
        lines: [{ id: "checkout", owner: "ana" }],
      });
      expect((await factory.skills.run("owner-of-line", { line: "checkout" })).output).toEqual({
        owner: "ana",
      });
    } finally {
      await factory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("infers the services of defineSkill from an annotation on the handler's context", () => {
    const annotated = defineSkill({
      name: "line-count",
      description: "How many lines the floor plan has",
      input: z.object({}),
      output: z.object({ count: z.number() }),
      run: async (_input, { services }: SkillContext<Factory>) => ({
        count: services.floorplan.lines().length,
      }),
    });
    expectTypeOf(annotated).toExtend<Skill<z.ZodType, z.ZodType, Factory>>();

    const plain = defineSkill({
      name: "line-count-untyped",
      description: "Without an annotation the services are unknown",
      input: z.object({}),
      output: z.object({ count: z.number() }),
      // @ts-expect-error services is unknown: use defineFactorySkill or annotate the context
      run: async (_input, { services }) => ({ count: services.floorplan.lines().length }),
    });
    expectTypeOf<Parameters<typeof plain.run>[1]["services"]>().toBeUnknown();
  });

  it("refuses a skill name that is not lowercase words joined by hyphens with a ValidationError naming name", () => {
    const bad = () =>
      defineSkill({
        name: "Bad Name",
        description: "x",
        input: z.object({}),
        output: z.object({}),
        run: async () => ({}),
      });

    expect(bad).toThrow(
      expect.objectContaining({
        _tag: "ValidationError",
        code: "E_VALIDATION",
        issues: [
          { path: "name", message: expect.stringContaining("lowercase words joined by single hyphens") },
        ],
      }),
    );
    expect(bad).toThrow(
      'skill "Bad Name" is invalid: name: must be lowercase words joined by single hyphens',
    );
  });
});
