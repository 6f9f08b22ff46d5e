import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { BIN, runFactory } from "./runFactory.js";

let cwd: string;
const run = (...args: string[]) => runFactory(args, { cwd });
/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

/** What `git status` would offer to commit under `folder`. */
function untracked(folder: string): string[] {
  const out = execFileSync("git", ["status", "--porcelain", "--untracked-files=all", "--", folder], {
    cwd,
    encoding: "utf8",
  });
  return out
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.slice(3));
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-folder-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  writeFileSync(join(cwd, "CODEOWNERS"), "/src/checkout/ @ana\n");
  execFileSync("git", ["init", "-q"], { cwd });
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("the factory folder", () => {
  it("keeps its caches out of git whichever command created it", SLOW, async () => {
    expect((await run("--dir", "by-init", "init")).code).toBe(0);
    expect((await run("--dir", "by-plan", "plan", "apply", "factory.yaml")).code).toBe(0);
    expect((await run("--dir", "by-import", "import", "codeowners", "CODEOWNERS")).code).toBe(0);
    const client = new Client({ name: "factory-folder-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [BIN, "--dir", "by-mcp", "mcp", "--init"],
        cwd,
        env: { ...process.env, FACTORY_DATABASE_URL: "", FACTORY_DIR: "" } as Record<string, string>,
        stderr: "pipe",
      }),
    );
    try {
      await client.callTool({ name: "list_work", arguments: {} });
    } finally {
      await client.close();
    }

    for (const folder of ["by-init", "by-plan", "by-import", "by-mcp"]) {
      expect(existsSync(join(cwd, folder, "cache")), folder).toBe(true);
      expect(untracked(folder), folder).toEqual([`${folder}/factory.db`]);
    }
  });

  it("leaves a .gitignore already in the cache folder as it is", SLOW, async () => {
    expect((await run("init")).code).toBe(0);
    const ignore = join(cwd, ".factory", "cache", ".gitignore");
    writeFileSync(ignore, "# mine\nknowledge/\n");
    expect((await run("plan", "apply", "factory.yaml")).code).toBe(0);
    expect(readFileSync(ignore, "utf8")).toBe("# mine\nknowledge/\n");
  });

  it("says a factory already exists when init runs again, even an empty one", SLOW, async () => {
    const first = await run("init");
    expect(first.stdout).toContain(`created factory in ${join(cwd, ".factory")}`);
    const second = await run("init");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`factory already exists in ${join(cwd, ".factory")}`);
    const json = await run("init", "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ created: false, position: 0 });
    // The first steps are shown while the factory is empty, and no longer once it holds something.
    expect(second.stdout).toContain("next: factory import codebase .");
    expect((await run("plan", "apply", "factory.yaml")).code).toBe(0);
    const third = await run("init");
    expect(third.stdout).toBe(`factory already exists in ${join(cwd, ".factory")}\n`);
  });

  it("is not created by a read on a factory that does not exist", SLOW, async () => {
    mkdirSync(join(cwd, "empty"));
    for (const args of [
      ["--dir", "fresh", "work", "list"],
      ["--dir", "fresh", "search", "checkout"],
      ["--dir", "fresh", "check"],
      ["--dir", "empty", "work", "list"],
      ["--dir", "empty", "--store", join(cwd, "elsewhere.db"), "metrics"],
    ]) {
      const result = await run(...args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr).toMatch(/^error: E_NOT_FOUND: no factory at /);
    }
    expect(existsSync(join(cwd, "fresh"))).toBe(false);
    expect(readdirSync(join(cwd, "empty"))).toEqual([]);
    expect(existsSync(join(cwd, "elsewhere.db"))).toBe(false);
  });
});
