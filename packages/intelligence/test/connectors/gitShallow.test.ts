import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type Factory, importGitCommits } from "../../src/index.js";
import { makeRepo, type TestRepo } from "../codebase/makeRepo.js";
import { openTestFactory } from "./testFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

let factory: Factory;
let remove: () => Promise<void>;
let repo: TestRepo;
let clones: string;

beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
  repo = makeRepo([
    { author: ada, message: "cart: basket", files: { "packages/cart/a.ts": "1\n", "billing/a.py": "1\n" } },
    { author: ada, message: "cart: total", files: { "packages/cart/b.ts": "1\n" } },
    { author: ada, message: "billing: round", files: { "billing/b.py": "1\n" } },
  ]);
  clones = mkdtempSync(join(tmpdir(), "factory-shallow-"));
});
afterEach(async () => {
  repo.remove();
  rmSync(clones, { recursive: true, force: true });
  await remove();
});

it("skips the oldest commit of a shallow clone, whose parent git did not fetch, instead of giving it the whole tree", async () => {
  const shallow = join(clones, "shallow");
  execFileSync("git", ["clone", "-q", "--depth", "2", `file://${repo.root}`, shallow]);
  const total = repo.git("rev-parse", "HEAD~1");
  expect(await importGitCommits(factory, { root: shallow })).toEqual({
    created: 1,
    updated: 0,
    unchanged: 0,
    skipped: 1,
    truncated: 0,
    problems: [],
  });
  expect(factory.work.artifact(`CS-${total.slice(0, 12)}`)).toBeUndefined();
  execFileSync("git", ["fetch", "-q", "--unshallow"], { cwd: shallow });
  expect(await importGitCommits(factory, { root: shallow })).toMatchObject({
    created: 2,
    unchanged: 1,
    skipped: 0,
  });
  expect(factory.work.artifact(`CS-${total.slice(0, 12)}`)).toMatchObject({
    line: "cart",
    fields: { paths: ["packages/cart/b.ts"] },
  });
});
