/**
 * Owners from git history count files whose names git would quote (a tab, a
 * line break, a double quote, `é`) under their real names, binary files by
 * their commits, and a renamed file once, at its new path. A real repository
 * in a temp folder.
 */
import { afterEach, describe, expect, it } from "vitest";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { proposeOwners } from "../../src/codebase/scan/owners.js";
import { detectLines } from "../../src/codebase/scan/units.js";
import { makeRepo, type TestRepo } from "./makeRepo.js";

const alice = { name: "Alice Doe", email: "alice@acme.test" };
const bob = { name: "Bob Roe", email: "bob@acme.test" };
const repos: TestRepo[] = [];

afterEach(() => {
  for (const repo of repos.splice(0)) repo.remove();
});

const lines = (count: number, word: string) =>
  `${Array.from({ length: count }, (_, i) => `${word} ${i}`).join("\n")}\n`;

describe("proposeOwners from history, with odd file names", () => {
  it("counts each file under its real name, a binary file by its commit and a rename at its new path", async () => {
    const moved = lines(25, "m");
    const repo = makeRepo([
      {
        author: bob,
        date: "2026-01-01T09:00:00Z",
        files: {
          "package.json": JSON.stringify({ private: true, workspaces: ["packages/*"] }),
          "packages/pay/package.json": JSON.stringify({ name: "@acme/pay" }),
          "packages/ship/package.json": JSON.stringify({ name: "@acme/ship" }),
          "packages/pay/index.ts": lines(2, "i"),
          "packages/ship/index.ts": lines(1, "s"),
          "packages/ship/move.ts": moved,
        },
      },
      { author: alice, date: "2026-01-02T09:00:00Z", files: { "packages/pay/a\tb.ts": lines(10, "t") } },
      { author: alice, date: "2026-01-03T09:00:00Z", files: { "packages/pay/new\nline.ts": lines(10, "n") } },
      {
        author: alice,
        date: "2026-01-04T09:00:00Z",
        files: { 'packages/pay/say "hi".ts': lines(10, "q"), "packages/pay/café.ts": lines(10, "e") },
      },
      { author: alice, date: "2026-01-05T09:00:00Z", files: { "packages/pay/logo.png": "\u0000\u0001png" } },
      {
        author: alice,
        date: "2026-01-06T09:00:00Z",
        files: { "packages/ship/move.ts": null, "packages/pay/moved.ts": moved },
      },
    ]);
    repos.push(repo);
    const listed = await listRepoFiles(repo.root);
    const { lines: detected } = await detectLines(listed);
    const owners = await proposeOwners(listed, detected);

    // pay: alice 5 of 6 commits (the binary file's and the rename's count, with no lines) and 40 of 43 lines; bob 1 commit, 3 lines.
    expect(owners.find((owner) => owner.line === "pay")).toEqual({
      line: "pay",
      operator: "alice",
      name: "Alice Doe",
      email: "alice@acme.test",
      evidence: {
        file: "packages/pay",
        commit: listed.commit,
        method: "git-history",
        confidence: Math.round((0.5 * (5 / 6) + 0.5 * (40 / 43)) * 100) / 100,
        detail: "5 of 6 commits, 40 of 43 lines changed since 2026-01-01",
      },
    });
    // ship: the file moved out of it is no change of alice's there (not 25 lines deleted).
    expect(owners.find((owner) => owner.line === "ship")?.evidence.detail).toBe(
      "1 of 1 commits, 27 of 27 lines changed since 2026-01-01",
    );
  });
});
