/**
 * The git connector is where its change sets sit: after the floor plan gives
 * a commit's paths to another line, a re-import moves the change set there
 * rather than being refused for naming another line than the one it has.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importGitCommits } from "../../src/connectors/git.js";
import type { Factory } from "../../src/index.js";
import { makeRepo, type TestRepo } from "../codebase/makeRepo.js";
import { openTestFactory } from "./testFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

let factory: Factory;
let remove: () => Promise<void>;
let repo: TestRepo;

beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
  repo = makeRepo([
    { author: ada, message: "cart: first basket", files: { "packages/cart/src/cart.ts": "export {};\n" } },
  ]);
});
afterEach(async () => {
  repo.remove();
  await remove();
});

describe("importGitCommits again after the floor plan gave a commit's paths to another line", () => {
  it("moves the change set to the line that owns its paths now", async () => {
    await importGitCommits(factory, { root: repo.root });
    const id = `CS-${repo.git("rev-parse", "HEAD").slice(0, 12)}`;
    expect(factory.work.artifact(id)?.line).toBe("cart");
    const plan = factory.floorplan.toPlan();
    await factory.floorplan.applyPlan({
      ...plan,
      lines: plan.lines.map((line) =>
        line.id === "billing"
          ? { ...line, paths: [...line.paths, "/packages/cart/"] }
          : { ...line, paths: [] },
      ),
    });

    const again = await importGitCommits(factory, { root: repo.root });

    expect(again).toMatchObject({ updated: 1, unchanged: 0, problems: [] });
    expect(factory.work.artifact(id)).toMatchObject({ line: "billing", version: 2 });
    expect(await importGitCommits(factory, { root: repo.root })).toMatchObject({ updated: 0, unchanged: 1 });
  });
});
