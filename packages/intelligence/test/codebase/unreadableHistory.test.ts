/**
 * A history git cannot read is a problem, not a silent lack of owners:
 * pydantic/pydantic-ai, cloned from a mirror that lacked three large blobs,
 * was imported with no owner and no word why (`git log --numstat` failed with
 * `fatal: unable to read <blob>`).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { importCodebase } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const alice = { name: "Alice", email: "alice@acme.test" };

describe("importCodebase: a history git cannot read", () => {
  const temp = useRepoWithFactory("factory-unreadable-history-", [
    {
      author: alice,
      date: "2026-01-05T10:00:00Z",
      files: {
        "package.json": JSON.stringify({ private: true, workspaces: ["packages/*"] }),
        "packages/pay/package.json": JSON.stringify({ name: "@acme/pay" }),
        "packages/pay/charge.ts": "export const charge = 1;\n",
      },
    },
  ]);

  it("reports what git said, and that no owner was proposed from history", async () => {
    const blob = temp.repo.git("rev-parse", "HEAD:packages/pay/charge.ts");
    rmSync(join(temp.repo.root, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
    const { proposal, problems } = await importCodebase(temp.factory, temp.repo.root, { dryRun: true });
    expect(proposal.lines.map((line) => line.id)).toEqual(["pay"]);
    expect(proposal.owners).toEqual([]);
    expect(problems).toEqual([
      {
        file: ".",
        message: expect.stringMatching(
          new RegExp(
            `^git log could not read the history \\(fatal: .*${blob}.*\\): no owner was proposed from it for 1 line; run the import where git can read every commit \\(a full clone\\)$`,
          ),
        ),
      },
    ]);
  });
});
