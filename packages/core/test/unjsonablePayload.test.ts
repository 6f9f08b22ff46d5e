import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, openEventLog, ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-unjsonable-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

const Anything = defineEvent("thing.noted", z.record(z.string(), z.unknown()));

/** The ValidationError appending this payload throws; checks that nothing was written. */
async function refusal(data: Record<string, unknown>): Promise<ValidationError> {
  await using log = await openEventLog({ path: dbPath(), events: [Anything] });
  const error = await log.append({ type: "thing.noted", subject: "t1", data }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(await log.head()).toBe(0);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("payloads JSON cannot hold", () => {
  it("refuses a BigInt as a ValidationError naming the field, not a StoreError", async () => {
    expect((await refusal({ count: 10n })).message).toBe(
      "event batch is invalid: data.count: is a BigInt, which JSON cannot hold; give it as a string or a number",
    );
  });

  it("refuses a payload that holds itself or nests thousands of levels deep, without overflowing the stack", async () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const cycleError = await refusal(cyclic);
    expect(cycleError.issues).toHaveLength(1);
    expect(cycleError.issues[0]?.message).toBe(
      "nests deeper than 512 levels, or holds itself, which JSON cannot hold",
    );
    expect(cycleError.issues[0]?.path).toMatch(/^data\.self\.self\./);

    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 5000; level++) deep = { deep };
    expect((await refusal(deep)).issues[0]?.message).toMatch(/^nests deeper than 512 levels/);
  });
});
