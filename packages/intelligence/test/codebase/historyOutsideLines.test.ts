/**
 * Owners from history diff only what can count for a line: a file no line
 * holds (docs, a lockfile at the root) is not read for line counts, so a blob
 * of it git cannot read no longer stops the history (it was a problem and no
 * owner from history), and a file renamed into a line from outside every line
 * still counts as a rename, for the lines it changed.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice Doe", email: "alice@acme.test" };
const bob = { name: "Bob Roe", email: "bob@acme.test" };

const lines = (count: number, word: string) =>
  `${Array.from({ length: count }, (_, i) => `${word} ${i}`).join("\n")}\n`;
const charge = lines(30, "charge");

describe("importCodebase: owners from history, with files no line holds", () => {
  const temp = useRepoWithFactory("factory-history-outside-lines-", [
    {
      author: bob,
      date: "2026-01-01T09:00:00Z",
      files: {
        "package.json": JSON.stringify({ private: true, workspaces: ["packages/*"] }),
        "packages/pay/package.json": JSON.stringify({ name: "@acme/pay" }),
        "packages/pay/index.ts": lines(10, "index"),
        "legacy/charge.ts": charge,
        "docs/guide.md": lines(5, "guide"),
      },
    },
    {
      author: alice,
      date: "2026-01-02T09:00:00Z",
      files: {
        "legacy/charge.ts": null,
        // Moved into the line with two lines changed: a rename, not 30 lines added.
        "packages/pay/charge.ts": charge
          .replace("charge 3\n", "charged 3\n")
          .replace("charge 7\n", "charged 7\n"),
        "docs/guide.md": lines(6, "guide"),
      },
    },
    { author: bob, date: "2026-01-03T09:00:00Z", files: { "packages/pay/index.ts": lines(15, "index") } },
  ]);

  it("proposes the line's owner though a blob of docs/guide.md is missing, counting the rename from legacy/", async () => {
    const blob = temp.repo.git("rev-parse", "HEAD~2:docs/guide.md");
    rmSync(join(temp.repo.root, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
    const { proposal, problems } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(problems).toEqual([]);
    // bob: 2 of 3 commits, 1 + 10 then 5 lines; alice: the rename's 2 added and 2 deleted lines.
    expect(proposal.owners).toEqual([
      {
        line: "pay",
        operator: "bob",
        name: "Bob Roe",
        email: "bob@acme.test",
        evidence: {
          file: "packages/pay",
          commit: temp.repo.git("rev-parse", "HEAD"),
          method: "git-history",
          confidence: Math.round((0.5 * (2 / 3) + 0.5 * (16 / 20)) * 100) / 100,
          detail: "2 of 3 commits, 16 of 20 lines changed since 2026-01-01",
        },
      },
    ]);
  });
});
