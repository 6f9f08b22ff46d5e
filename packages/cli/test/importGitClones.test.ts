/**
 * `factory import git` on a shallow clone, as CI checkouts make them
 * (`git clone --depth`).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { runFactory } from "./runFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };
let repo: TestRepo;
let cwd: string;

beforeAll(() => {
  repo = makeRepo([
    { author: ada, message: "first", files: { "a.txt": "1\n", "b.txt": "1\n" } },
    { author: ada, message: "second", files: { "a.txt": "2\n" } },
    { author: ada, message: "third", files: { "b.txt": "2\n" } },
  ]);
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-git-clones-"));
  execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo.root}`, join(cwd, "clone")]);
});
afterAll(() => {
  repo.remove();
  rmSync(cwd, { recursive: true, force: true });
});

it("says that a shallow clone's oldest commit was skipped and how to import it", async () => {
  const run = await runFactory(["import", "git", "clone"], { cwd });
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(
    "git clone: 0 created, 0 updated, 0 unchanged, 1 skipped, 0 problems\n" +
      "note: clone is a shallow clone: its oldest commit is skipped, as git cannot tell what it changed (git fetch --unshallow, then import again)\n",
  );
  execFileSync("git", ["fetch", "-q", "--unshallow"], { cwd: join(cwd, "clone") });
  const full = await runFactory(["import", "git", "clone"], { cwd });
  expect(full.stdout).toBe("git clone: 3 created, 0 updated, 0 unchanged, 0 skipped, 0 problems\n");
});
