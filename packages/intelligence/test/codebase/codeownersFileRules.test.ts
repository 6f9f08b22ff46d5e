import { afterEach, describe, expect, it } from "vitest";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { proposeOwners } from "../../src/codebase/scan/owners.js";
import { detectLines } from "../../src/codebase/scan/units.js";
import { makeRepo, type TestRepo } from "./makeRepo.js";

const alice = { name: "Alice Doe", email: "alice@acme.test" };
const repos: TestRepo[] = [];

afterEach(() => {
  for (const repo of repos.splice(0)) repo.remove();
});

/** A workspace with the lines pay (package.json, a.ts, b.ts) and ship (package.json, s.ts), all committed by alice. */
const workspace = {
  "package.json": JSON.stringify({ private: true, workspaces: ["packages/*"] }),
  "packages/pay/package.json": JSON.stringify({ name: "@acme/pay" }),
  "packages/pay/a.ts": "export const a = 1;\n",
  "packages/pay/b.ts": "export const b = 2;\n",
  "packages/ship/package.json": JSON.stringify({ name: "@acme/ship" }),
  "packages/ship/s.ts": "export const s = 3;\n",
};

/** The owners proposed for the workspace with this CODEOWNERS, by line: operator, confidence and detail. */
async function ownersWith(codeowners: string) {
  const repo = makeRepo([{ author: alice, files: { ...workspace, ".github/CODEOWNERS": codeowners } }]);
  repos.push(repo);
  const listed = await listRepoFiles(repo.root);
  const { lines } = await detectLines(listed);
  const owners = await proposeOwners(listed, lines);
  return Object.fromEntries(
    owners.map((owner) => [
      owner.line,
      [owner.operator, owner.evidence.method, owner.evidence.confidence, owner.evidence.detail],
    ]),
  );
}

describe("owners from CODEOWNERS, as GitHub owns a line's files", () => {
  it("lets a later file-name rule decide the files it matches in a line's folder", async () => {
    const owners = await ownersWith(
      "/packages/ @acme/platform\n*.ts @acme/web\n/packages/ship/*.json @acme/web\n",
    );
    expect(owners).toEqual({
      pay: ["acme-web", "codeowners", 0.67, "rule *.ts at line 2, for 2 of 3 files"],
      ship: ["acme-web", "codeowners", 1, "rules *.ts at line 2, /packages/ship/*.json at line 3"],
    });
  });

  it("gives a line to a file-name rule alone, its unmatched files not voting", async () => {
    const owners = await ownersWith("*.ts @acme/web\n");
    expect(owners).toEqual({
      pay: ["acme-web", "codeowners", 0.67, "rule *.ts at line 1, for 2 of 3 files"],
      ship: ["acme-web", "codeowners", 0.5, "rule *.ts at line 1, for 1 of 2 files"],
    });
  });

  it("breaks a tie for the owner of the rule that comes later, and keeps a line its rules leave unowned from history", async () => {
    const owners = await ownersWith("*.json @acme/config\n*.ts @acme/web\n/packages/pay/*.ts\n");
    // ship: one file each for config (line 1) and web (line 2), so web, whose rule is later; pay: nobody decides a.ts and b.ts.
    expect(owners).toEqual({
      ship: ["acme-web", "codeowners", 0.5, "rule *.ts at line 2, for 1 of 2 files"],
    });
  });
});
