/**
 * A CODEOWNERS rule that matches a few files of a line does not make its
 * owner the line's: TanStack Query's `scripts/ @TanStack/tanstack-core` (for
 * the repository's scripts folder) matched one of angular-query-experimental's
 * 66 files, and the import proposed tanstack-core as that package's owner,
 * with confidence 0.02, instead of the people who write it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };
const bob = { name: "Bob", email: "bob@acme.test" };
const json = (value: unknown) => JSON.stringify(value);

describe("importCodebase: owners when CODEOWNERS matches a minority of a line's files", () => {
  const temp = useRepoWithFactory("factory-codeowners-minor-", [
    {
      author: bob,
      date: "2026-01-05T10:00:00Z",
      files: {
        "package.json": json({ private: true, workspaces: ["packages/*"] }),
        ".github/CODEOWNERS": "scripts/ @acme/infra\n",
        "scripts/release.sh": "echo release\n",
        "packages/pay/package.json": json({ name: "@acme/pay" }),
        "packages/pay/scripts/build.sh": "echo build\n",
        "packages/ship/package.json": json({ name: "@acme/ship" }),
        "packages/ship/scripts/build.sh": "echo build\n",
      },
    },
    {
      author: alice,
      date: "2026-01-06T10:00:00Z",
      files: {
        "packages/pay/src/charge.ts": "export const charge = 1;\nexport const fee = 0;\n",
        "packages/pay/src/refund.ts": "export const refund = 2;\nexport const late = 0;\n",
      },
    },
  ]);

  it("proposes the line's authors when the rules match less than half its files, the rules only when history has none", async () => {
    // A package nobody committed yet: one of its three files in a scripts folder.
    const fresh = join(temp.repo.root, "packages/fresh");
    mkdirSync(join(fresh, "scripts"), { recursive: true });
    writeFileSync(join(fresh, "package.json"), json({ name: "@acme/fresh" }));
    writeFileSync(join(fresh, "index.ts"), "export const fresh = 1;\n");
    writeFileSync(join(fresh, "scripts/build.sh"), "echo build\n");
    const { proposal } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(
      proposal.owners.map((owner) => [
        owner.line,
        owner.operator,
        owner.evidence.method,
        owner.evidence.detail,
      ]),
    ).toEqual([
      ["fresh", "acme-infra", "codeowners", "rule scripts/ at line 1, for 1 of 3 files"],
      ["pay", "alice", "git-history", "1 of 2 commits, 4 of 6 lines changed since 2026-01-05"],
      ["ship", "acme-infra", "codeowners", "rule scripts/ at line 1, for 1 of 2 files"],
    ]);
  });
});
