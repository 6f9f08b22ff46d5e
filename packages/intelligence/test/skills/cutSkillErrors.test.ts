/**
 * A failed skill run's error is cut to 500 characters in the log (counted in
 * UTF-16 units) without splitting an emoji at the limit: the run is recorded,
 * and its error holds no half of a surrogate pair, which the log refuses.
 */
import type { Factory } from "@software-factory/intelligence";
import { beforeEach, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";
import { failing } from "./failingSkill.js";
import { failure, runs } from "./skillRunRecords.js";

const { folder, open } = useTempFactories();
let factory: Factory;
beforeEach(async () => {
  factory = await open({ dir: folder("factory-cut-skill-errors-"), actor: "ana", skills: [failing] });
});

it("records a failed run whose error has an emoji at the 500th character, dropping the emoji whole", async () => {
  const message = `${"x".repeat(499)}🚀 and what went wrong after`;
  const error = await failure(factory.skills.run("always-fails", { message }));

  expect(error.message).toContain(message);
  const [run] = await runs(factory);
  expect(run).toMatchObject({ skill: "always-fails", outcome: "failed", error: "x".repeat(499) });
});
