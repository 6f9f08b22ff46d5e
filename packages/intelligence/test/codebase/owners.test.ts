import { afterEach, describe, expect, it } from "vitest";
import { listRepoFiles } from "../../src/codebase/scan/files.js";
import { proposeOwners } from "../../src/codebase/scan/owners.js";
import { detectLines } from "../../src/codebase/scan/units.js";
import { makeRepo, type RepoCommit, type TestRepo } from "./makeRepo.js";

const alice = { name: "Alice Doe", email: "alice@acme.test" };
const bob = { name: "Bob Roe", email: "bob@acme.test" };
const otherAlice = { name: "Alice Other", email: "alice@elsewhere.test" };
const dependabot = { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com" };
const repos: TestRepo[] = [];

afterEach(() => {
  for (const repo of repos.splice(0)) repo.remove();
});

const workspace = {
  "package.json": JSON.stringify({ private: true, workspaces: ["packages/*"] }),
  "packages/pay/package.json": JSON.stringify({ name: "@acme/pay" }),
  "packages/ship/package.json": JSON.stringify({ name: "@acme/ship" }),
  "packages/docs/package.json": JSON.stringify({ name: "@acme/docs" }),
};

async function ownersOf(commits: readonly RepoCommit[], options?: Parameters<typeof proposeOwners>[2]) {
  const repo = makeRepo(commits);
  repos.push(repo);
  const listed = await listRepoFiles(repo.root);
  const { lines } = await detectLines(listed);
  return { listed, owners: await proposeOwners(listed, lines, options) };
}

const lines = (count: number, word: string) =>
  `${Array.from({ length: count }, (_, i) => `${word} ${i}`).join("\n")}\n`;

describe("proposeOwners", () => {
  it("takes the last matching CODEOWNERS rule for a line's folder, and leaves a line whose rule names nobody unowned", async () => {
    const { listed, owners } = await ownersOf([
      {
        author: alice,
        files: {
          ...workspace,
          ".github/CODEOWNERS":
            "# owners\n* @acme/platform\n/packages/pay/ @acme/payments @bob\npackages/ship bob@acme.test\n/packages/docs/\n",
        },
      },
    ]);
    expect(owners).toEqual([
      {
        line: "pay",
        operator: "acme-payments",
        name: "@acme/payments",
        handle: "@acme/payments",
        evidence: {
          file: ".github/CODEOWNERS",
          commit: listed.commit,
          method: "codeowners",
          confidence: 1,
          detail: "rule /packages/pay/ at line 3",
        },
      },
      {
        line: "ship",
        operator: "bob",
        name: "bob@acme.test",
        email: "bob@acme.test",
        evidence: {
          file: ".github/CODEOWNERS",
          commit: listed.commit,
          method: "codeowners",
          confidence: 1,
          detail: "rule packages/ship at line 4",
        },
      },
    ]);
  });

  it("proposes the author who dominates a line's history, with evidence and confidence", async () => {
    const { listed, owners } = await ownersOf([
      {
        author: alice,
        date: "2026-01-02T09:00:00Z",
        files: { ...workspace, "packages/pay/a.ts": lines(80, "a") },
      },
      { author: alice, date: "2026-01-03T09:00:00Z", files: { "packages/pay/b.ts": lines(40, "b") } },
      {
        author: bob,
        date: "2026-01-04T09:00:00Z",
        files: { "packages/pay/a.ts": `${lines(80, "a")}extra\n` },
      },
      { author: alice, date: "2026-01-05T09:00:00Z", files: { "packages/pay/c.ts": lines(19, "c") } },
      { author: bob, date: "2026-01-06T09:00:00Z", files: { "packages/ship/s.ts": lines(10, "s") } },
      { author: otherAlice, date: "2026-01-07T09:00:00Z", files: { "packages/ship/t.ts": lines(2, "t") } },
      {
        author: dependabot,
        date: "2026-01-08T09:00:00Z",
        files: { "packages/docs/lock.json": lines(500, "x") },
      },
      {
        author: dependabot,
        date: "2026-01-09T09:00:00Z",
        files: { "packages/pay/lock.json": lines(900, "y") },
      },
    ]);
    const pay = owners.find((owner) => owner.line === "pay");
    // pay: alice 3 of 4 commits and 140 of 141 lines (80 + 40 + 19 + the one-line package.json); bob 1 commit, 1 line.
    expect(pay).toEqual({
      line: "pay",
      operator: "alice",
      name: "Alice Doe",
      email: "alice@acme.test",
      evidence: {
        file: "packages/pay",
        commit: listed.commit,
        method: "git-history",
        confidence: Math.round((0.5 * (3 / 4) + 0.5 * (140 / 141)) * 100) / 100,
        detail: "3 of 4 commits, 140 of 141 lines changed since 2026-01-02",
      },
    });
    const ship = owners.find((owner) => owner.line === "ship");
    expect(ship?.operator).toBe("bob");
    expect(ship?.evidence.detail).toBe("1 of 3 commits, 10 of 13 lines changed since 2026-01-02");
    // The bot's commits count nowhere: docs has only alice's package.json.
    expect(owners.find((owner) => owner.line === "docs")?.operator).toBe("alice");
    expect(owners.map((owner) => owner.name)).not.toContain("dependabot[bot]");
  });

  it("reads only the commits since a date, and gives lines without commits no owner", async () => {
    const { owners } = await ownersOf(
      [
        {
          author: alice,
          date: "2025-06-01T09:00:00Z",
          files: { ...workspace, "packages/pay/a.ts": lines(50, "a") },
        },
        { author: bob, date: "2026-02-01T09:00:00Z", files: { "packages/pay/a.ts": lines(51, "a") } },
      ],
      { since: "2026-01-01" },
    );
    expect(owners).toHaveLength(1);
    expect(owners[0]?.operator).toBe("bob");
    expect(owners[0]?.evidence.confidence).toBe(1);
    expect(owners[0]?.evidence.detail).toBe("1 of 1 commits, 1 of 1 lines changed since 2026-01-01");
  });

  it("makes operator ids unique when two addresses share a local part", async () => {
    const { owners } = await ownersOf([
      { author: alice, files: { ...workspace, "packages/pay/a.ts": "a\n" } },
      { author: otherAlice, files: { "packages/ship/a.ts": lines(30, "s") } },
    ]);
    expect(owners.map((owner) => [owner.line, owner.operator, owner.email])).toEqual([
      ["docs", "alice", "alice@acme.test"],
      ["pay", "alice", "alice@acme.test"],
      ["ship", "alice-2", "alice@elsewhere.test"],
    ]);
  });

  it("rejects malformed options with a validation error", async () => {
    await expect(ownersOf([{ author: alice, files: workspace }], { maxCommits: 0 })).rejects.toThrow(
      /maxCommits must be at least 1/,
    );
  });
});
