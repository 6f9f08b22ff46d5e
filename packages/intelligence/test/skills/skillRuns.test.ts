import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, ValidationError } from "@software-factory/core";
import { defineSkill, type Factory, openFactory, SkillFailedError } from "@software-factory/intelligence";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { failing } from "./failingSkill.js";
import { failure, runs } from "./skillRunRecords.js";

let dir: string;
let factory: Factory;

const total = defineSkill({
  name: "total",
  description: "Adds up an order's lines.",
  input: z.object({ order: z.string(), lines: z.array(z.object({ sku: z.string(), price: z.number() })) }),
  output: z.object({ total: z.number() }),
  run: async ({ lines }) => ({ total: lines.reduce((sum, line) => sum + line.price, 0) }),
});

const throwsString = defineSkill({
  name: "throws-string",
  description: "Rejects with a plain string, as some libraries do.",
  input: z.object({}),
  output: z.object({}),
  run: () => Promise.reject("the upstream service said no"),
});

const failingEffect = defineSkill({
  name: "fails-as-effect",
  description: "Fails as an Effect, with a tagged value that is no Error.",
  input: z.object({}),
  output: z.object({}),
  run: () => Effect.fail({ _tag: "QuotaExceeded", message: "the quota of 10 runs is used up" }),
});

const failsWithString = defineSkill({
  name: "fails-with-string",
  description: "Fails as an Effect with a bare string.",
  input: z.object({}),
  output: z.object({}),
  run: () => Effect.fail("boom"),
});

const dies = defineSkill({
  name: "dies",
  description: "Dies as an Effect: a defect, not a failure.",
  input: z.object({}),
  output: z.object({}),
  run: () => Effect.die(new Error("defect in the handler")),
});

const throwsAtOnce = defineSkill({
  name: "throws-at-once",
  description: "Throws before returning a Promise or an Effect.",
  input: z.object({}),
  output: z.object({}),
  run: () => {
    throw new TypeError("cannot read the config");
  },
});

const looksUp = defineSkill({
  name: "looks-up",
  description: "Fails with the SDK's own typed errors, as a Promise or an Effect.",
  input: z.object({ as: z.enum(["promise", "effect", "validation"]) }),
  output: z.object({}),
  run: ({ as }) => {
    const missing = new NotFoundError({ message: 'no line "nope"', entity: "line", id: "nope" });
    if (as === "effect") return Effect.fail(missing);
    if (as === "validation")
      return Promise.reject(new ValidationError({ message: "the plan is invalid", issues: [] }));
    return Promise.reject(missing);
  },
});

const badOutput = defineSkill({
  name: "bad-output",
  description: "Returns what its output schema refuses.",
  input: z.object({}),
  output: z.object({ count: z.number() }),
  run: async () => ({ count: "three" }) as unknown as { count: number },
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-skill-runs-"));
  factory = await openFactory({
    dir,
    actor: "ana",
    durability: "normal",
    skills: [
      total,
      failing,
      throwsString,
      failingEffect,
      failsWithString,
      dies,
      throwsAtOnce,
      looksUp,
      badOutput,
    ],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("skill runs in the event log", () => {
  it("records who ran which skill, the input's hash, the outcome and the duration", async () => {
    const input = { order: "o-1", lines: [{ sku: "tea", price: 3 }] };
    await factory.skills.run("total", input, { actor: "bo" });
    await factory.skills.run("total", input);

    const [byBo, byDefault] = await runs(factory);

    expect(byBo).toEqual({
      actor: "bo",
      skill: "total",
      inputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      outcome: "ok",
      durationMs: expect.any(Number),
    });
    expect(byBo?.durationMs).toBeGreaterThanOrEqual(0);
    expect(byDefault).toMatchObject({ actor: "ana", skill: "total", outcome: "ok" });
    expect(byDefault?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("hashes the same input to the same hash, whatever the order of its keys, and another input to another", async () => {
    await factory.skills.run("total", { order: "o-1", lines: [{ sku: "tea", price: 3 }] });
    await factory.skills.run("total", { lines: [{ price: 3, sku: "tea" }], order: "o-1" });
    await factory.skills.run("total", { order: "o-1", lines: [{ sku: "tea", price: 4 }] });
    await factory.skills.run("total", { order: "o-2", lines: [{ sku: "tea", price: 3 }] });

    const [first, reordered, otherPrice, otherOrder] = (await runs(factory)).map((run) => run.inputHash);

    expect(reordered).toBe(first);
    expect(new Set([first, otherPrice, otherOrder]).size).toBe(3);
  });

  it("keeps the hash stable across processes: a factory reopened on the same folder hashes alike", async () => {
    const input = { order: "o-9", lines: [] };
    await factory.skills.run("total", input);
    await factory.close();
    factory = await openFactory({ dir, actor: "bo", durability: "normal", skills: [total] });
    await factory.skills.run("total", input);

    const [before, after] = await runs(factory);

    expect(after?.inputHash).toBe(before?.inputHash);
    expect([before?.actor, after?.actor]).toEqual(["ana", "bo"]);
  });

  it("fails the run with a SkillFailedError naming the skill and the handler's error, and records the error's text", async () => {
    const error = await failure(factory.skills.run("always-fails", { message: "the ledger is locked" }));

    expect(error).toBeInstanceOf(SkillFailedError);
    expect(error).toMatchObject({
      _tag: "SkillFailedError",
      code: "E_SKILL_FAILED",
      skill: "always-fails",
      message: "skill always-fails failed: the ledger is locked",
    });
    expect((error as SkillFailedError).cause).toEqual(new Error("the ledger is locked"));
    expect(await runs(factory)).toEqual([
      {
        actor: "ana",
        skill: "always-fails",
        inputHash: expect.any(String),
        outcome: "failed",
        error: "the ledger is locked",
        durationMs: expect.any(Number),
      },
    ]);
  });

  it("wraps a rejection that is not an Error, keeping it as the cause and recording it as text", async () => {
    const thrown = await failure(factory.skills.run("throws-string", {}));

    const [run] = await runs(factory);

    expect(thrown).toMatchObject({
      _tag: "SkillFailedError",
      skill: "throws-string",
      cause: "the upstream service said no",
      message: "skill throws-string failed: the upstream service said no",
    });
    expect(run).toMatchObject({
      skill: "throws-string",
      outcome: "failed",
      error: "the upstream service said no",
    });
  });

  it("wraps an Effect's failure, whatever its value, and records its message", async () => {
    const tagged = await failure(factory.skills.run("fails-as-effect", {}));
    const bare = await failure(factory.skills.run("fails-with-string", {}));

    const [taggedRun, bareRun] = await runs(factory);

    expect(tagged).toMatchObject({
      _tag: "SkillFailedError",
      code: "E_SKILL_FAILED",
      skill: "fails-as-effect",
      cause: { _tag: "QuotaExceeded", message: "the quota of 10 runs is used up" },
    });
    expect(bare).toMatchObject({ _tag: "SkillFailedError", skill: "fails-with-string", cause: "boom" });
    expect(bare.message).toBe("skill fails-with-string failed: boom");
    expect(taggedRun).toMatchObject({ skill: "fails-as-effect", outcome: "failed" });
    expect(taggedRun?.error).toContain("the quota of 10 runs is used up");
    expect(bareRun).toMatchObject({ skill: "fails-with-string", outcome: "failed", error: "boom" });
  });

  it("wraps an Effect's defect and a handler that throws before returning", async () => {
    const defect = await failure(factory.skills.run("dies", {}));
    const atOnce = await failure(factory.skills.run("throws-at-once", {}));

    expect(defect).toMatchObject({ _tag: "SkillFailedError", code: "E_SKILL_FAILED", skill: "dies" });
    expect((defect as SkillFailedError).cause).toEqual(new Error("defect in the handler"));
    expect(atOnce).toMatchObject({ _tag: "SkillFailedError", skill: "throws-at-once" });
    expect((atOnce as SkillFailedError).cause).toBeInstanceOf(TypeError);
    expect((await runs(factory)).map((run) => [run.skill, run.outcome, run.error])).toEqual([
      ["dies", "failed", "defect in the handler"],
      ["throws-at-once", "failed", "cannot read the config"],
    ]);
  });

  it("lets the SDK's own typed errors through unwrapped, from a Promise or an Effect", async () => {
    const fromPromise = await failure(factory.skills.run("looks-up", { as: "promise" }));
    const fromEffect = await failure(factory.skills.run("looks-up", { as: "effect" }));
    const invalid = await failure(factory.skills.run("looks-up", { as: "validation" }));

    expect(fromPromise).toBeInstanceOf(NotFoundError);
    expect(fromEffect).toBeInstanceOf(NotFoundError);
    expect(fromEffect).toMatchObject({ code: "E_NOT_FOUND", id: "nope" });
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((await runs(factory)).map((run) => [run.outcome, run.error])).toEqual([
      ["invalid-input", 'no line "nope"'],
      ["invalid-input", 'no line "nope"'],
      ["failed", "the plan is invalid"],
    ]);
  });

  it("records invalid input with what was wrong, before the handler runs", async () => {
    const error = await failure(factory.skills.run("total", { order: 7, lines: [] }));

    const [run] = await runs(factory);

    expect(error.message).toMatch(/order/);
    expect(run).toMatchObject({ skill: "total", outcome: "invalid-input" });
    expect(run?.error).toMatch(/order/);
    expect(run?.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("refuses input that is not JSON (a BigInt, a cycle) as invalid input naming what was wrong and where, not with a TypeError", async () => {
    const bigint = await failure(factory.skills.run("total", { order: 7n, lines: [] }));
    const cyclic: Record<string, unknown> = { order: "o-1", lines: [] };
    cyclic.self = cyclic;
    const cycle = await failure(factory.skills.run("total", cyclic, { idempotencyKey: "k-1" }));

    expect(bigint).toBeInstanceOf(ValidationError);
    expect(bigint.message).toBe("input of skill total is invalid: order: must be a string, not a BigInt");
    expect(cycle).toBeInstanceOf(ValidationError);
    expect(cycle.message).toBe(
      "input of skill total is invalid: self: must be JSON (no BigInt, cycle, function or symbol), as a run's input is hashed and recorded: found a cycle back to (root)",
    );
    expect(await runs(factory)).toEqual([
      expect.objectContaining({
        skill: "total",
        outcome: "invalid-input",
        inputHash: "",
        error: bigint.message,
      }),
      expect.objectContaining({
        skill: "total",
        outcome: "invalid-input",
        inputHash: "",
        error: cycle.message,
      }),
    ]);
    // Nothing claimed the key: the key runs on JSON input.
    const run = await factory.skills.run("total", { order: "o-1", lines: [] }, { idempotencyKey: "k-1" });
    expect(run.output).toEqual({ total: 0 });
  });

  it("records output the skill's schema refuses as a failed run naming the field", async () => {
    const error = await failure(factory.skills.run("bad-output", {}));

    const [run] = await runs(factory);

    expect(error.message).toMatch(/output of skill bad-output/);
    expect(run).toMatchObject({ skill: "bad-output", outcome: "failed" });
    expect(run?.error).toMatch(/count/);
  });

  it("cuts a long error to 500 characters in the log", async () => {
    await failure(factory.skills.run("always-fails", { message: "x".repeat(2_000) }));

    const [run] = await runs(factory);

    expect(run?.error).toHaveLength(500);
  });

  it("records no run of a skill that does not exist", async () => {
    await failure(factory.skills.run("nope", {}));

    expect(await runs(factory)).toEqual([]);
  });
});
