/**
 * A keyed skill run records its output for its retries, and the log refuses
 * a value it would give back as something else (a Date, NaN, a Map, a class
 * instance): such output is invalid output of the skill, named at the skill's
 * boundary, recorded as a failed run that releases the key. A run without a
 * key records no output and returns such values as they are.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  defineSkill,
  type Factory,
  openFactory,
  SkillRan,
  SkillStarted,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

let dir: string;
let factory: Factory;
let handled = 0;
const when = new Date("2026-11-27T14:00:00.000Z");

const stamp = defineSkill({
  name: "stamp",
  description: "Says when it ran.",
  input: z.object({}),
  output: z.object({ at: z.date() }),
  run: async () => {
    handled++;
    return { at: when };
  },
});

class Money {
  constructor(readonly cents: number) {}
}

const tally = defineSkill({
  name: "tally",
  description: "Returns what its output schema does not look into.",
  input: z.object({}),
  output: z.unknown(),
  run: async () => {
    handled++;
    return { ratio: Number.NaN, seen: new Map([["a", 1]]), totals: [new Money(5), undefined], note: "ok" };
  },
});

/** The events of the runs, as type and (for `skill.ran`) outcome and error. */
async function recorded() {
  const events = await factory.log.read({ types: [SkillStarted.type, SkillRan.type] });
  return events.map((event) =>
    SkillRan.is(event)
      ? { type: event.type, outcome: event.data.outcome, error: event.data.error }
      : { type: event.type },
  );
}

async function failure(run: Promise<unknown>): Promise<ValidationError> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-unkept-output-"));
  factory = await openFactory({ dir, durability: "normal", skills: [stamp, tally] });
  handled = 0;
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a keyed skill run whose output the log would not give back as written", () => {
  it("refuses a Date as invalid output naming the skill and the field; the key is released", async () => {
    const message =
      "output of skill stamp is invalid: at: a Date is not stored as written (it reads back as a string); " +
      "pass an ISO string (date.toISOString()), as a keyed run's output is recorded for its retries";
    for (const attempt of [1, 2]) {
      const error = await failure(factory.skills.run("stamp", {}, { idempotencyKey: "k-1" }));
      expect(error.message).toBe(message);
      expect(error.issues.map((issue) => issue.path)).toEqual(["at"]);
      expect(handled).toBe(attempt);
    }
    // Each attempt claimed the key and recorded its end: no run is left started without an outcome.
    expect(await recorded()).toEqual([
      { type: "skill.started" },
      { type: "skill.ran", outcome: "failed", error: message },
      { type: "skill.started" },
      { type: "skill.ran", outcome: "failed", error: message },
    ]);
  });

  it("names every such value of an output its schema does not look into", async () => {
    const error = await failure(factory.skills.run("tally", {}, { idempotencyKey: "k-1" }));
    expect(error.message).toMatch(/^output of skill tally is invalid: ratio: NaN is not stored as written/);
    expect(error.issues.map((issue) => issue.path)).toEqual(["ratio", "seen", "totals[0]", "totals[1]"]);
    expect(error.issues[2]?.message).toMatch(/^an instance of Money is not stored as written/);
    expect((await recorded()).map((event) => event.outcome ?? event.type)).toEqual([
      "skill.started",
      "failed",
    ]);
  });

  it("returns the output as it is to a run without a key, which records none", async () => {
    expect((await factory.skills.run("stamp", {})).output).toEqual({ at: when });
    expect(await recorded()).toEqual([{ type: "skill.ran", outcome: "ok", error: undefined }]);
  });
});
