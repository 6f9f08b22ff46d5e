import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { gitChangedPaths } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let root: string;
const git = (...args: string[]) =>
  execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd: root, encoding: "utf8" });
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
};

/** Names git C-quotes in its line output: non-ASCII, a space beside it, a tab, a newline, a quote. */
const ODD_NAMES = [
  "services/payments/src/ü file.ts",
  "services/payments/src/tab\tname.ts",
  "services/payments/src/new\nline.ts",
  'services/payments/src/"quoted".ts',
];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "factory-changed-paths-"));
  git("init", "-q", "-b", "main");
  git("config", "user.email", "t@example.com");
  git("config", "user.name", "t");
  write("services/payments/src/old.ts", "export const old = 1;\n");
  write("services/search/src/index.ts", "export {};\n");
  git("add", ".");
  git("commit", "-q", "-m", "start");
  git("checkout", "-q", "-b", "feature");
  for (const name of ODD_NAMES) write(name, `// ${name}\n`);
  mkdirSync(join(root, "services", "checkout", "src"), { recursive: true });
  git("mv", "services/payments/src/old.ts", "services/checkout/src/moved.ts");
  git("add", ".");
  git("commit", "-q", "-m", "odd names and a rename");
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("gitChangedPaths", () => {
  it("reads names with non-ASCII letters, spaces, tabs, newlines and quotes as they are on disk", async () => {
    const paths = await gitChangedPaths("main...HEAD", { cwd: root });
    for (const name of ODD_NAMES) expect(paths).toContain(name);
    expect(paths.some((path) => path.includes("\\") || path.startsWith('"'))).toBe(false);
  });

  it("counts a rename by its old path and its new one", async () => {
    const paths = await gitChangedPaths("main...HEAD", { cwd: root });
    expect(paths).toContain("services/payments/src/old.ts");
    expect(paths).toContain("services/checkout/src/moved.ts");
    expect(paths).toHaveLength(ODD_NAMES.length + 2);
  });

  it("reads root-relative paths when run in a folder inside the repository", async () => {
    const paths = await gitChangedPaths("main...HEAD", { cwd: join(root, "services", "search") });
    expect(paths).toContain("services/payments/src/ü file.ts");
  });

  it("answers no paths for a range without changes", async () => {
    expect(await gitChangedPaths("HEAD...HEAD", { cwd: root })).toEqual([]);
  });

  it("refuses a ref the repository lacks, naming the field, the range as given and git's reason", async () => {
    const error = await gitChangedPaths("nope...HEAD", { cwd: root, field: "--since", given: "nope" }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe("E_VALIDATION");
    expect((error as ValidationError).message).toMatch(/^--since "nope" cannot be diffed in .+: .*nope/);
    expect((error as ValidationError).issues[0]?.path).toBe("--since");
  });

  it("refuses a range that reads as an option, before running git", async () => {
    const error = await gitChangedPaths("--output=/tmp/x", { cwd: root, field: "gitRange" }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/^gitRange "--output=\/tmp\/x" cannot be diffed/);
  });

  it("refuses a folder outside git", async () => {
    const outside = mkdtempSync(join(tmpdir(), "factory-not-git-"));
    try {
      const error = await gitChangedPaths("main...HEAD", { cwd: outside, field: "gitRange" }).catch(
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(/not a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
