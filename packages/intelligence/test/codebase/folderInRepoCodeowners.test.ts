import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { importCodebase, openFactory } from "../../src/index.js";
import { makeRepo, type RepoCommit } from "./makeRepo.js";

const alice = { name: "Alice Doe", email: "alice@acme.test" };
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The repository's CODEOWNERS, as GitHub reads it: patterns relative to the repository root. */
const ROOT_CODEOWNERS = [
  "* @acme/platform",
  "*.ts @acme/typescript",
  "/packages/pay/ @acme/payments",
  "packages/ship/src/ @acme/shipping",
].join("\n");

const packages = {
  "packages/pay/package.json": JSON.stringify({ name: "@acme/pay" }),
  "packages/pay/src/pay.ts": "export const pay = 1;\n",
  "packages/ship/src/ship.ts": "export const ship = 1;\n",
  "packages/ship/lib/util.ts": "export const util = 1;\n",
};

function monorepo(files: RepoCommit["files"]): string {
  const repo = makeRepo([{ author: alice, files }]);
  cleanups.push(() => repo.remove());
  return repo.root;
}

async function ownersOf(path: string) {
  const dir = mkdtempSync(join(tmpdir(), "factory-folder-codeowners-"));
  const factory = await openFactory({ dir });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const result = await importCodebase(factory, path, { dryRun: true });
    return result.proposal.owners.map(({ line, operator, evidence }) => ({
      line,
      operator,
      method: evidence.method,
      file: evidence.file,
      detail: evidence.detail,
    }));
  } finally {
    await factory.close();
  }
}

describe("importCodebase of a folder inside a repository, with CODEOWNERS", () => {
  it("reads the repository root's CODEOWNERS, matching its patterns against paths from the repository root", async () => {
    const root = monorepo({ ".github/CODEOWNERS": ROOT_CODEOWNERS, ...packages });
    expect(await ownersOf(join(root, "packages", "pay"))).toEqual([
      {
        line: "pay",
        operator: "acme-payments",
        method: "codeowners",
        file: "../../.github/CODEOWNERS",
        detail: "rule /packages/pay/ at line 3",
      },
    ]);
    expect(await ownersOf(join(root, "packages", "ship"))).toEqual([
      // lib's one file, util.ts, is owned by the later *.ts rule, as on GitHub.
      {
        line: "lib",
        operator: "acme-typescript",
        method: "codeowners",
        file: "../../.github/CODEOWNERS",
        detail: "rule *.ts at line 2",
      },
      {
        line: "src",
        operator: "acme-shipping",
        method: "codeowners",
        file: "../../.github/CODEOWNERS",
        detail: "rule packages/ship/src/ at line 4",
      },
    ]);
  });

  it("finds it in any of the root's places and prefers it to a CODEOWNERS inside the folder, which GitHub does not read", async () => {
    const root = monorepo({
      "docs/CODEOWNERS": ROOT_CODEOWNERS,
      "packages/pay/.github/CODEOWNERS": "* @acme/old-pay-team\n",
      ...packages,
    });
    expect(await ownersOf(join(root, "packages", "pay"))).toEqual([
      {
        line: "pay",
        operator: "acme-payments",
        method: "codeowners",
        file: "../../docs/CODEOWNERS",
        detail: "rule /packages/pay/ at line 3",
      },
    ]);
  });

  it("falls back to a CODEOWNERS inside the folder, its patterns relative to the folder, when the repository root has none", async () => {
    const root = monorepo({ "packages/ship/CODEOWNERS": "/src/ @acme/shipping\n", ...packages });
    expect(await ownersOf(join(root, "packages", "ship"))).toEqual([
      {
        line: "lib",
        operator: "alice",
        method: "git-history",
        file: "lib",
        detail: expect.stringMatching(/^1 of 1 commits/),
      },
      {
        line: "src",
        operator: "acme-shipping",
        method: "codeowners",
        file: "CODEOWNERS",
        detail: "rule /src/ at line 1",
      },
    ]);
  });
});
