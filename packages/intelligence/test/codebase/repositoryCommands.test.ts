/**
 * Reading a repository runs none of the commands its own configuration
 * names: `import codebase` (dry run and real), the git connector and the
 * paths a range changes ran `core.fsmonitor` and a filter's `clean` from the
 * imported repository's `.git/config`, and a partial clone's lazy fetch ran
 * its remote's `uploadpack` (audit-robust finding 1).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  gitChangedPaths,
  importCodebase,
  importGitCommits,
  openFactory,
} from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { armPartialClone, armRepository, type Markers, workspaceRepo } from "./hostileRepo.js";
import type { TestRepo } from "./makeRepo.js";

const alice = { name: "Alice", email: "alice@acme.test" };

describe("a repository whose configuration names commands", () => {
  let repo: TestRepo;
  let markers: Markers;
  let dir: string;

  beforeEach(() => {
    repo = workspaceRepo(alice);
    markers = armRepository(repo, alice);
    dir = mkdtempSync(join(tmpdir(), "factory-hostile-"));
  });

  afterEach(() => {
    repo.remove();
    markers.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it("import codebase, dry run then real, runs none of them", async () => {
    const factory = await openFactory({ dir });
    try {
      const dry = await importCodebase(factory, repo.root, { dryRun: true });
      expect(dry.proposal.lines.map((line) => line.id).sort()).toEqual(["pay", "web"]);
      expect(dry.proposal.owners.map((owner) => owner.email)).toEqual([alice.email, alice.email]);
      const real = await importCodebase(factory, repo.root);
      expect(real.problems).toEqual([]);
    } finally {
      await factory.close();
    }
    expect(markers.ran()).toEqual([]);
  });

  it("the git connector and the paths a range changes run none of them", async () => {
    const factory = await openFactory({ dir });
    try {
      await importGitCommits(factory, { root: repo.root });
    } finally {
      await factory.close();
    }
    // One side only: the work tree is compared, every file hashed again.
    expect(await gitChangedPaths("HEAD~3", { cwd: repo.root })).toEqual([
      ".gitattributes",
      "packages/pay/charge.ts",
    ]);
    expect(await gitChangedPaths("HEAD~2..HEAD", { cwd: repo.root })).toEqual([".gitattributes"]);
    expect(markers.ran()).toEqual([]);
  });
});

describe("a partial clone whose remote names an upload-pack command", () => {
  it("import codebase fetches no missing blob, so runs no command", async () => {
    const source = workspaceRepo(alice);
    const clone = armPartialClone(source);
    const dir = mkdtempSync(join(tmpdir(), "factory-hostile-"));
    const factory = await openFactory({ dir });
    try {
      const { proposal, problems } = await importCodebase(factory, clone.root, { dryRun: true });
      expect(proposal.lines.map((line) => line.id).sort()).toEqual(["pay", "web"]);
      // The history git could not read without fetching is said, not fetched.
      expect(problems.map((problem) => problem.message)).toEqual([
        expect.stringMatching(/^git log could not read the history/),
      ]);
      expect(clone.markers.ran()).toEqual([]);
    } finally {
      await factory.close();
      source.remove();
      clone.markers.remove();
      rmSync(dirname(clone.root), { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
