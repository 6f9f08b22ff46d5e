/**
 * A repository folder made anew for each test of a file, to write rule and
 * instruction files into and load them back; removed after the test.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ValidationIssue } from "@software-factory/core";
import { type InstructionStandard, loadInstructionStandards } from "@software-factory/intelligence";
import { afterEach, beforeEach } from "vitest";

/** What {@link useTempRepository} gives the tests of a file. */
export interface TempRepository {
  /** The repository of the running test: `repo` in {@link TempRepository.parent}. */
  readonly root: string;
  /** The temp folder holding the repository, for files outside it. */
  readonly parent: string;
  /** Writes `text` at `path` in the repository, making its folders, and returns the file's path. */
  write(path: string, text: string): string;
  /** Loads the repository's instruction standards, keeping the warnings instead of printing them. */
  load(): { standards: InstructionStandard[]; warnings: ValidationIssue[] };
}

/**
 * Registers a `beforeEach` that makes a temp folder (its name from `prefix`)
 * holding an empty `repo` folder, and an `afterEach` that removes it.
 *
 * @example
 * ```ts
 * const repo = useTempRepository("claude-imports-");
 * it("...", () => {
 *   repo.write("CLAUDE.md", "# Acme\n");
 *   const { standards, warnings } = repo.load();
 * });
 * ```
 */
export function useTempRepository(prefix: string): TempRepository {
  let parent = "";
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(join(parent, "repo"));
  });
  afterEach(() => {
    rmSync(parent, { recursive: true, force: true });
  });
  const repository: TempRepository = {
    get root() {
      return join(parent, "repo");
    },
    get parent() {
      return parent;
    },
    write(path, text) {
      const file = join(repository.root, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    load() {
      const warnings: ValidationIssue[] = [];
      const standards = loadInstructionStandards(repository.root, {
        onWarning: (warning) => warnings.push(warning),
      });
      return { standards, warnings };
    },
  };
  return repository;
}
