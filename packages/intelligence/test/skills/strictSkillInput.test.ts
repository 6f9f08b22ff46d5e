import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashJson, ValidationError } from "@software-factory/core";
import { defineSkill, type Factory, openFactory, SkillStarted } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { failure, runs } from "./skillRunRecords.js";

let dir: string;
let factory: Factory;

const ship = defineSkill({
  name: "ship",
  description: "Ships an order to an address.",
  input: z.object({ order: z.string(), address: z.object({ city: z.string() }).optional() }),
  output: z.object({ shipped: z.string() }),
  run: async ({ order }) => ({ shipped: order }),
});

const tagged = defineSkill({
  name: "tagged",
  description: "Takes any tags beside its order.",
  input: z.looseObject({ order: z.string() }),
  output: z.object({ order: z.string() }),
  run: async ({ order }) => ({ order }),
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-strict-skill-input-"));
  factory = await openFactory({ dir, actor: "ana", durability: "normal", skills: [ship, tagged] });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a skill run with strictInput", () => {
  it("refuses keys the skill's input does not take and records the run as invalid input, as any refused input", async () => {
    const input = { order: "o-1", orders: ["o-2"] };
    const unknownKey = await failure(factory.skills.run("ship", input, { strictInput: true, actor: "bo" }));
    const wrongType = await failure(factory.skills.run("ship", { order: 7 }, { strictInput: true }));

    expect(unknownKey).toBeInstanceOf(ValidationError);
    expect(unknownKey.message).toBe(
      'input of skill ship is invalid: (root): unknown field "orders"; it takes order, address',
    );
    expect((unknownKey as ValidationError).issues).toEqual([
      { path: "", message: 'unknown field "orders"; it takes order, address' },
    ]);
    expect(await runs(factory)).toEqual([
      expect.objectContaining({
        actor: "bo",
        skill: "ship",
        outcome: "invalid-input",
        inputHash: hashJson(input),
        error: unknownKey.message,
      }),
      expect.objectContaining({
        actor: "ana",
        skill: "ship",
        outcome: "invalid-input",
        error: wrongType.message,
      }),
    ]);
  });

  it("names an unknown key inside a nested object by its path, and claims no idempotency key", async () => {
    const error = await failure(
      factory.skills.run(
        "ship",
        { order: "o-1", address: { city: "Graz", zip: "8010" } },
        { strictInput: true, idempotencyKey: "k-1" },
      ),
    );

    expect(error.message).toBe('input of skill ship is invalid: address: unknown field "zip"; it takes city');
    expect(await runs(factory)).toEqual([
      expect.objectContaining({ outcome: "invalid-input", error: error.message }),
    ]);
    expect(await factory.log.read({ types: [SkillStarted.type] })).toEqual([]);
    const run = await factory.skills.run(
      "ship",
      { order: "o-1", address: { city: "Graz" } },
      { strictInput: true, idempotencyKey: "k-1" },
    );
    expect(run.output).toEqual({ shipped: "o-1" });
  });

  it("runs a skill whose input takes other keys (a loose object), and without strictInput drops unknown keys as the schema does", async () => {
    const loose = await factory.skills.run("tagged", { order: "o-1", team: "ops" }, { strictInput: true });
    const dropped = await factory.skills.run("ship", { order: "o-2", orders: ["o-3"] });

    expect(loose.output).toEqual({ order: "o-1" });
    expect(dropped.output).toEqual({ shipped: "o-2" });
    expect((await runs(factory)).map((run) => run.outcome)).toEqual(["ok", "ok"]);
  });
});
