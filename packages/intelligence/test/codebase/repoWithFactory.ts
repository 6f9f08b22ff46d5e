/**
 * A real git repository and a factory in temp folders, made before each test
 * of a codebase import test file and removed after it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach } from "vitest";
import { makeRepo, type RepoCommit, type TestRepo } from "./makeRepo.js";

/** The repository and the factory of the running test, made by {@link useRepoWithFactory}. */
export interface RepoWithFactory {
  readonly repo: TestRepo;
  /** The factory's folder. */
  readonly dir: string;
  readonly factory: Factory;
  /**
   * Closes the factory and opens a new one on the same folder, which is
   * `factory` from then on (and is closed after the test).
   */
  reopen(): Promise<Factory>;
}

/**
 * Before each test of the calling file (or describe), makes a repository with
 * `commits` ({@link makeRepo}) and opens a factory in a temp folder named after
 * `prefix`; after it, closes the factory and deletes both folders. Read them
 * through the returned object inside the tests (`const { repo, factory } = temp;`).
 */
export function useRepoWithFactory(prefix: string, commits: readonly RepoCommit[]): RepoWithFactory {
  let current: { repo: TestRepo; dir: string; factory: Factory } | undefined;
  const opened = () => {
    if (current === undefined) throw new Error("the repository and factory are only there inside a test");
    return current;
  };
  beforeEach(async () => {
    const repo = makeRepo(commits);
    const dir = mkdtempSync(join(tmpdir(), prefix));
    current = { repo, dir, factory: await openFactory({ dir }) };
  });
  afterEach(async () => {
    const { repo, dir, factory } = opened();
    current = undefined;
    await factory.close();
    rmSync(dir, { recursive: true, force: true });
    repo.remove();
  });
  return {
    get repo() {
      return opened().repo;
    },
    get dir() {
      return opened().dir;
    },
    get factory() {
      return opened().factory;
    },
    async reopen() {
      const now = opened();
      await now.factory.close();
      now.factory = await openFactory({ dir: now.dir });
      return now.factory;
    },
  };
}
