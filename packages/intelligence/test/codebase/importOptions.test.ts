import { ValidationError } from "@software-factory/core";
import { type Factory, importCodebase, openFactory, scanCodebase } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "./makeRepo.js";

const ana = { name: "Ana", email: "ana@example.com" };
let repo: TestRepo;
let factory: Factory;

beforeEach(async () => {
  repo = makeRepo([{ author: ana, files: { "src/pay.ts": "export const pay = 1;\n" } }]);
  factory = await openFactory({ dir: `${repo.root}/.factory` });
});
afterEach(async () => {
  await factory.close();
  repo.remove();
});

describe("codebase import options", () => {
  it("refuses a misspelt dryRun, naming it and the keys, and writes nothing", async () => {
    const head = await factory.log.head();

    const thrown = await importCodebase(factory, repo.root, { dryrun: true } as never).catch(
      (error: unknown) => error,
    );

    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toBe(
      'importCodebase options is invalid: (root): unknown key "dryrun"; the keys are since, maxCommits, onProgress, signal, dryRun, actor, repository',
    );
    expect(await factory.log.head()).toBe(head);
  });

  it("refuses a misspelt scan option and a bad maxCommits before reading the repository", async () => {
    await expect(scanCodebase(repo.root, { maxCommit: 5 } as never)).rejects.toThrow(
      'scanCodebase options is invalid: (root): unknown key "maxCommit"; the keys are since, maxCommits, onProgress, signal',
    );
    const phases: string[] = [];
    await expect(
      scanCodebase(repo.root, { maxCommits: 0, onProgress: (progress) => phases.push(progress.phase) }),
    ).rejects.toThrow("maxCommits: maxCommits must be at least 1");
    expect(phases).toEqual([]);
  });
});
