/**
 * `factory impact --since` given a git range (`HEAD~2..HEAD~1`), as the
 * `impact_of_change` tool's `gitRange` takes one: the paths of that range,
 * not those since a ref; and a range or ref typed where the paths go, refused
 * instead of answered as a path no line claims.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

const PLAN = `version: 1
product: { id: shop }
operators:
  - { id: ana }
  - { id: bo }
lines:
  - { id: checkout, owner: ana, paths: [/services/checkout/] }
  - { id: payments, owner: bo, paths: [/services/payments/] }
`;

/** Each test runs the CLI on a real repository, a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });

/** The paths an impact report says changed, claimed or not. */
function changedIn(stdout: string): string[] {
  const report = JSON.parse(stdout) as { changed: { paths: string[] }[]; unclaimedPaths: string[] };
  return [...report.changed.flatMap((changed) => changed.paths), ...report.unclaimedPaths].sort();
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-impact-range-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd, stdio: "pipe" });
  const commit = (path: string, message: string) => {
    mkdirSync(join(cwd, path, ".."), { recursive: true });
    writeFileSync(join(cwd, path), `// ${message}\n`);
    git("add", ".");
    git("commit", "-q", "-m", message);
  };
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  writeFileSync(join(cwd, "factory.yaml"), PLAN);
  commit("README.md", "start");
  commit("services/checkout/cart.ts", "cart");
  commit("services/payments/refunds.ts", "refunds");
  // A branch named as a file on disk: the file is meant.
  git("branch", "README.md");
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
}, SLOW.timeout);

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory impact --since <range>", () => {
  it("reads the paths of a two-dot range as given, not since a ref", SLOW, async () => {
    const older = await factory("impact", "--since", "HEAD~2..HEAD~1", "--json");
    expect(older.stderr).toBe("");
    expect(older.code).toBe(0);
    expect(changedIn(older.stdout)).toEqual(["services/checkout/cart.ts"]);

    const last = await factory("impact", "--since", "HEAD~1..HEAD");
    expect(last.code).toBe(0);
    expect(last.stdout).toContain("payments");
    expect(last.stdout).not.toContain("checkout");
  });

  it("reads a three-dot range as given, and a ref as the changes since it", SLOW, async () => {
    const range = await factory("impact", "--since", "HEAD~2...HEAD", "--json");
    expect(range.code).toBe(0);
    expect(changedIn(range.stdout)).toEqual(["services/checkout/cart.ts", "services/payments/refunds.ts"]);
    const ref = await factory("impact", "--since", "HEAD~2", "--json");
    expect(changedIn(ref.stdout)).toEqual(changedIn(range.stdout));
  });

  it("says no path changed in an empty range", SLOW, async () => {
    const empty = await factory("impact", "--since", "HEAD..HEAD");
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe("no paths changed in HEAD..HEAD\n");
  });

  it("refuses a range git cannot read as a usage error naming --since", SLOW, async () => {
    const bad = await factory("impact", "--since", "nope..HEAD");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^error: E_USAGE: --since "nope\.\.HEAD" cannot be diffed in .+'nope\.\.HEAD'/,
    );
  });
});

describe("factory impact <paths> given a git range or revision", () => {
  it("refuses a range or a ref that names no file, pointing at --since", SLOW, async () => {
    for (const [typed, kind] of [
      ["HEAD~2..HEAD", "a git range"],
      ["main", "a git revision"],
    ] as const) {
      const refused = await factory("impact", "services/checkout/cart.ts", typed);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr.split("\n")[0]).toBe(
        `error: E_USAGE: <paths>: "${typed}" is no file here but ${kind}: give it as --since ${typed} (for a path of that name, write ./${typed})`,
      );
    }
  });

  it("reads a path on disk, one written with ./, and one gone from disk as paths", SLOW, async () => {
    const answered = await factory("impact", "README.md", "./main", "services/payments/gone.ts", "--json");
    expect(answered.stderr).toBe("");
    expect(answered.code).toBe(0);
    expect(changedIn(answered.stdout)).toEqual(["README.md", "main", "services/payments/gone.ts"]);
  });
});
