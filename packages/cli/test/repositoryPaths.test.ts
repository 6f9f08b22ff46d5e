/**
 * `who-owns`, `impact` and `context --path` read a path as git does: relative
 * to the current folder, then to the repository's root; an absolute path in
 * the repository is a repository path, one outside it is refused.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let repo: string;
const ROOTED = "zz-factory-rooted-7f3";
/** Runs the CLI in `folder` of the repository, on the factory at its root. */
const factoryIn = (folder: string, ...args: string[]) =>
  runFactory(args, { cwd: join(repo, folder), env: { FACTORY_DIR: join(repo, ".factory") } });

beforeAll(async () => {
  repo = realpathSync(mkdtempSync(join(tmpdir(), "factory-repo-paths-")));
  execFileSync("git", ["init", "-q"], { cwd: repo });
  mkdirSync(join(repo, "src", "checkout"), { recursive: true });
  writeFileSync(join(repo, "src", "checkout", "cart.ts"), "export {};\n");
  // A line under a folder no machine has at its root, for paths written from the repository's root.
  writeFileSync(
    join(repo, "factory.yaml"),
    `${SHOP_YAML}  - { id: rooted, owner: ana, paths: [/${ROOTED}/] }\n`,
  );
  expect((await factoryIn(".", "init", "--plan", "factory.yaml")).code).toBe(0);
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
});

describe("paths given to who-owns, impact and context --path", () => {
  it("reads an absolute path, ./path and a path from a subfolder as the repository path", async () => {
    for (const [folder, path] of [
      [".", join(repo, "src/checkout/cart.ts")],
      [".", "./src/checkout/cart.ts"],
      ["src/checkout", "cart.ts"],
      ["src/checkout", "../checkout/./cart.ts"],
    ] as const) {
      const who = await factoryIn(folder, "who-owns", path, "--json");
      expect({ folder, path, code: who.code, stderr: who.stderr }).toEqual({
        folder,
        path,
        code: 0,
        stderr: "",
      });
      expect(JSON.parse(who.stdout)).toEqual([
        { path: "src/checkout/cart.ts", line: "checkout", owner: "ana" },
      ]);
    }
    const impact = await factoryIn("src/checkout", "impact", "cart.ts", "--json");
    expect(JSON.parse(impact.stdout).changed).toEqual([
      { line: "checkout", owner: "ana", paths: ["src/checkout/cart.ts"] },
    ]);
    const pack = await factoryIn("src", "context", "--path", "checkout/cart.ts", "--json");
    expect(pack.stderr).toBe("");
    expect(JSON.parse(pack.stdout).lines.map((entry: { line: { id: string } }) => entry.line.id)).toEqual([
      "checkout",
    ]);
  });

  it("reads an absolute path whose first folder does not exist here as written from the repository's root", async () => {
    const who = await factoryIn("src", "who-owns", `/${ROOTED}/a.ts`, "--json");
    expect(who.stderr).toBe("");
    expect(JSON.parse(who.stdout)).toEqual([{ path: `${ROOTED}/a.ts`, line: "rooted", owner: "ana" }]);
  });

  it("asks a folder as a folder, with or without its trailing slash", async () => {
    for (const [folder, path] of [
      [".", "src/checkout"],
      [".", "src/checkout/"],
      ["src/checkout", "."],
    ] as const) {
      const who = await factoryIn(folder, "who-owns", path, "--json");
      expect({ folder, path, answer: JSON.parse(who.stdout) }).toEqual({
        folder,
        path,
        answer: [{ path: "src/checkout/", line: "checkout", owner: "ana" }],
      });
    }
  });

  it("refuses a path outside the repository, naming it and the repository (exit 2)", async () => {
    const outside = await factoryIn("src", "who-owns", "/etc/hosts");
    expect(outside.code).toBe(2);
    expect(outside.stderr).toBe(
      `error: E_USAGE: <paths>: /etc/hosts is outside the repository (${repo}); give a path inside it, relative to the current folder or absolute\n(run with --help for usage)\n`,
    );
    const above = await factoryIn(".", "impact", "../elsewhere.ts");
    expect(above.code).toBe(2);
    expect(above.stderr).toContain("<paths>: ../elsewhere.ts is outside the repository");
    const context = await factoryIn(".", "context", "--path", "/etc/hosts");
    expect(context.code).toBe(2);
    expect(context.stderr).toContain("--path: /etc/hosts is outside the repository");
  });

  it("reads a Windows \\ as a folder separator, as the floor plan does, and answers the / path", async () => {
    for (const [folder, path] of [
      [".", "src\\checkout\\cart.ts"],
      ["src/checkout", ".\\cart.ts"],
      ["src", "checkout\\cart.ts"],
    ] as const) {
      const who = await factoryIn(folder, "who-owns", path, "--json");
      expect({ folder, path, code: who.code, answer: JSON.parse(who.stdout) }).toEqual({
        folder,
        path,
        code: 0,
        answer: [{ path: "src/checkout/cart.ts", line: "checkout", owner: "ana" }],
      });
    }
    const outside = await factoryIn("src", "who-owns", "..\\..\\elsewhere.ts");
    expect(outside.stderr.split("\n")[0]).toBe(
      `error: E_USAGE: <paths>: ..\\..\\elsewhere.ts is outside the repository (${repo}); give a path inside it, relative to the current folder or absolute`,
    );
    expect(outside.code).toBe(2);
  });
});
