/**
 * importGitCommits on a folder outside any git repository names the root,
 * whether or not a range was given: what git complained about picks the
 * option, not which options were set.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Factory, importGitCommits } from "../../src/index.js";
import { makeRepo, type TestRepo } from "../codebase/makeRepo.js";
import { openTestFactory } from "./testFactory.js";

let factory: Factory;
let remove: () => Promise<void>;
let outside: string;
let repo: TestRepo;

beforeEach(async () => {
  ({ factory, remove } = await openTestFactory());
  outside = mkdtempSync(join(tmpdir(), "factory-not-a-repo-"));
  repo = makeRepo([
    {
      author: { name: "Ada", email: "ada@example.com" },
      message: "cart: first basket",
      files: { "packages/cart/src/cart.ts": "export {};\n" },
    },
  ]);
});
afterEach(async () => {
  repo.remove();
  rmSync(outside, { recursive: true, force: true });
  await remove();
});

describe("importGitCommits outside a git repository", () => {
  it("names the root, not the range, when a range was given", async () => {
    const refusal = importGitCommits(factory, { root: outside, range: "main~1..main" });
    await expect(refusal).rejects.toBeInstanceOf(ValidationError);
    await expect(refusal).rejects.toMatchObject({
      issues: [{ path: "root", message: expect.stringContaining(`${outside} is in no git repository`) }],
      message: expect.stringMatching(
        /^git import options is invalid: root: git log failed: fatal: not a git repository.*; \/.* is in no git repository/,
      ),
    });
    expect(factory.work.artifacts()).toEqual([]);
  });

  it("names the root without a range too, and still blames a range git cannot read inside a repository", async () => {
    await expect(importGitCommits(factory, { root: outside })).rejects.toMatchObject({
      issues: [{ path: "root", message: expect.stringContaining(`${outside} is in no git repository`) }],
    });
    await expect(importGitCommits(factory, { root: repo.root, range: "nope..HEAD" })).rejects.toMatchObject({
      issues: [{ path: "range", message: expect.stringMatching(/^git log failed: fatal: bad revision/) }],
    });
  });
});
