/**
 * A failed skill run's error is cut to 500 characters in the log (counted in
 * UTF-16 units) without splitting an emoji at the limit: the run is recorded,
 * and its error holds no half of a surrogate pair, which the log refuses.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineSkill, type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, expect, it } from "vitest";
import { z } from "zod";
import { failure, runs } from "./skillRunRecords.js";

const failing = defineSkill({
  name: "always-fails",
  description: "Fails with the message it is given.",
  input: z.object({ message: z.string() }),
  output: z.object({}),
  run: async ({ message }) => {
    throw new Error(message);
  },
});

let dir: string;
let factory: Factory;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-cut-skill-errors-"));
  factory = await openFactory({ dir, actor: "ana", skills: [failing] });
});
afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

it("records a failed run whose error has an emoji at the 500th character, dropping the emoji whole", async () => {
  const message = `${"x".repeat(499)}🚀 and what went wrong after`;
  const error = await failure(factory.skills.run("always-fails", { message }));

  expect(error.message).toContain(message);
  const [run] = await runs(factory);
  expect(run).toMatchObject({ skill: "always-fails", outcome: "failed", error: "x".repeat(499) });
});
