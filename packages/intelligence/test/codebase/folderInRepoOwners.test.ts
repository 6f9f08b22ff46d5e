import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { importCodebase, openFactory } from "../../src/index.js";
import { makeRepo, type TestRepo } from "./makeRepo.js";

const alice = { name: "Alice Doe", email: "alice@acme.test" };
const bob = { name: "Bob Roe", email: "bob@acme.test" };
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const text = (count: number) => `${Array.from({ length: count }, (_, i) => `line ${i}`).join("\n")}\n`;

function monorepo(): TestRepo {
  const repo = makeRepo([
    { author: bob, files: { "tools/big.ts": text(300) } },
    { author: bob, files: { "tools/bigger.ts": text(300) } },
    {
      author: alice,
      files: { "app/package.json": JSON.stringify({ name: "app" }), "app/src/pay.ts": text(10) },
    },
  ]);
  cleanups.push(() => repo.remove());
  return repo;
}

async function ownersOf(path: string, options: { maxCommits?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "factory-folder-owners-"));
  const factory = await openFactory({ dir });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const result = await importCodebase(factory, path, { dryRun: true, ...options });
    return result.proposal.owners.map(({ line, operator, evidence }) => ({
      line,
      operator,
      detail: evidence.detail,
    }));
  } finally {
    await factory.close();
  }
}

describe("importCodebase of a folder inside a repository", () => {
  it("proposes owners from the commits under that folder only, not the whole repository's", async () => {
    const repo = monorepo();
    const since = repo.git("log", "-1", "--format=%aI").slice(0, 10);
    expect(await ownersOf(join(repo.root, "app"))).toEqual([
      { line: "app", operator: "alice", detail: `1 of 1 commits, 11 of 11 lines changed since ${since}` },
    ]);
  });

  it("counts maxCommits among the folder's commits, so newer commits elsewhere do not push them out", async () => {
    const repo = monorepo();
    repo.commit({ author: bob, files: { "tools/newer.ts": text(5) } });
    expect(await ownersOf(join(repo.root, "app"), { maxCommits: 1 })).toEqual([
      { line: "app", operator: "alice", detail: expect.stringMatching(/^1 of 1 commits, 11 of 11 lines/) },
    ]);
  });
});
