import { afterEach, beforeEach, expect, it } from "vitest";
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

// Git keeps any file name, and the floor plan reads a space at either end as part of it.
it("imports a commit whose file name ends in a space, placing it by the line that claims that file", async () => {
  const spaced = repo.commit({
    author: ada,
    message: "cart: keep the draft",
    files: { "packages/cart/notes ": "draft\n" },
  });
  const summary = await importGitCommits(factory, { root: repo.root });
  expect(summary).toMatchObject({ created: 2, problems: [] });
  expect(factory.work.artifact(`CS-${spaced.slice(0, 12)}`)).toMatchObject({
    line: "cart",
    fields: { paths: ["packages/cart/notes "] },
  });
});
