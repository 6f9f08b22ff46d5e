/**
 * A keyed skill run records its output for its retries, so output its schema
 * accepts but JSON cannot keep (a BigInt, a cycle, a function) is invalid
 * output: a ValidationError naming where, recorded as a failed run that
 * releases the key. A run without a key records no output and is not held to it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { defineSkill, type Factory, openFactory, SkillRan } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

let dir: string;
let factory: Factory;
/** Handler runs so far, and whether the handler returns what JSON cannot keep. */
let handled = 0;
let broken = true;

/** Output holding, under `report.items[0]`, what `kind` names (while `broken`), else a number. */
function output(kind: "bigint" | "cycle" | "function" | "shared"): unknown {
  if (!broken) return { report: { items: [{ value: 1 }] } };
  const shared = { sku: "a-1" };
  const cycle: Record<string, unknown> = { sku: "a-1" };
  cycle.parent = cycle;
  const values = { bigint: 10n ** 20n, cycle, function: () => 1, shared: [shared, shared] };
  return { report: { items: [{ value: values[kind], missing: undefined }] } };
}

const report = defineSkill({
  name: "report",
  description: "Reports a value its output schema does not look into.",
  input: z.object({ kind: z.enum(["bigint", "cycle", "function", "shared"]) }),
  output: z.object({ report: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) }),
  run: async ({ kind }) => {
    handled++;
    return output(kind) as { report: { items: Record<string, unknown>[] } };
  },
});

/** The `skill.ran` events of the log, as outcome, error and whether an output was recorded. */
async function runs() {
  const events = (await factory.log.read({ types: [SkillRan.type] })).filter(SkillRan.is);
  return events.map(({ data }) => ({ outcome: data.outcome, error: data.error, output: "output" in data }));
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-non-json-output-"));
  factory = await openFactory({ dir, actor: "ana", durability: "normal", skills: [report] });
  handled = 0;
  broken = true;
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a keyed skill run whose output is not JSON", () => {
  it.each([
    ["bigint", "report.items[0].value", "found a BigInt"],
    ["cycle", "report.items[0].value.parent", "found a cycle back to report.items[0].value"],
    ["function", "report.items[0].value", "found a function"],
  ] as const)(
    "refuses a %s as invalid output naming its path, recorded as failed, and releases the key",
    async (kind, path, found) => {
      const failed = await factory.skills.run("report", { kind }, { idempotencyKey: "k-1" }).then(
        () => undefined,
        (error: unknown) => error,
      );

      expect(failed).toBeInstanceOf(ValidationError);
      const message = `output of skill report is invalid: ${path}: must be JSON (no BigInt, cycle, function or symbol), as a keyed run's output is recorded for its retries: ${found}`;
      expect((failed as ValidationError).message).toBe(message);
      expect((failed as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
      expect(await runs()).toEqual([{ outcome: "failed", error: message, output: false }]);

      broken = false;
      const retried = await factory.skills.run("report", { kind }, { idempotencyKey: "k-1" });
      expect(retried.output).toEqual({ report: { items: [{ value: 1 }] } });
      expect(handled).toBe(2);
      expect((await runs()).map((run) => run.outcome)).toEqual(["failed", "ok"]);
    },
  );

  it("takes a shared reference and an undefined member, which JSON keeps, and returns them to a retry", async () => {
    const first = await factory.skills.run("report", { kind: "shared" }, { idempotencyKey: "k-1" });
    const retried = await factory.skills.run("report", { kind: "shared" }, { idempotencyKey: "k-1" });

    expect(retried.output).toEqual(first.output);
    expect(handled).toBe(1);
  });

  it("does not hold a run without a key to JSON: it records no output", async () => {
    const run = await factory.skills.run("report", { kind: "bigint" });

    expect(run.output).toEqual({ report: { items: [{ value: 10n ** 20n, missing: undefined }] } });
    expect(await runs()).toEqual([{ outcome: "ok", error: undefined, output: false }]);
  });
});
