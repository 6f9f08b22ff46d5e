/**
 * `factory import codebase` (dry run and real), `import git` and `impact
 * --since` on a repository whose `.git/config`, attributes and hooks name
 * commands: none of them runs (audit-robust finding 1: a dry run ran
 * `core.fsmonitor`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { armRepository, type Markers, workspaceRepo } from "../../intelligence/test/codebase/hostileRepo.js";
import type { TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { runFactory } from "./runFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
/** Each test runs several commands, a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };

describe("factory import codebase on a repository whose configuration names commands", () => {
  let repo: TestRepo;
  let markers: Markers;
  let cwd: string;

  beforeEach(() => {
    repo = workspaceRepo(alice);
    markers = armRepository(repo, alice);
    cwd = mkdtempSync(join(tmpdir(), "factory-cli-hostile-"));
  });

  afterEach(() => {
    repo.remove();
    markers.remove();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("imports, dry run then real, then reads history and impact, running none of them", SLOW, async () => {
    const dry = await runFactory(["import", "codebase", repo.root, "--dry-run", "--json"], { cwd });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).problems).toEqual([]);
    expect(markers.ran()).toEqual([]);
    const real = await runFactory(["import", "codebase", repo.root], { cwd });
    expect(real.code, real.stderr).toBe(0);
    const history = await runFactory(["import", "git", repo.root], { cwd });
    expect(history.code, history.stderr).toBe(0);
    const impact = await runFactory(
      ["--dir", join(cwd, ".factory"), "impact", "--since", "HEAD~3", "--json"],
      {
        cwd: repo.root,
      },
    );
    expect(impact.code, impact.stderr).toBe(0);
    expect(impact.stdout).toContain('"pay"');
    expect(markers.ran()).toEqual([]);
  });
});
