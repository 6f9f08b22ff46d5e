import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-demo-keep-"));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory demo --keep", () => {
  it.each([
    ["--keep", ["demo", "--keep", ""]],
    ["--keep", ["demo", "--keep", " "]],
    ["--example", ["demo", "--example", ""]],
  ])(
    "refuses an empty %s before the walkthrough starts, and writes nothing to the current folder",
    async (flag, args) => {
      const result = await runFactory(args, { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr.split("\n")[0]).toMatch(new RegExp(`^error: E_USAGE: ${flag}: must not be empty`));
      expect(result.stdout).toBe("");
      expect(readdirSync(cwd)).toEqual([]);
    },
  );

  it("refuses a folder that already holds a factory, and writes nothing to it", {
    timeout: 120_000,
  }, async () => {
    const kept = join(cwd, "acme");
    expect((await runFactory(["--dir", kept, "init"], { cwd })).code).toBe(0);
    const files = readdirSync(kept).sort();
    const log = readFileSync(join(kept, "factory.db"));

    const result = await runFactory(["demo", "--keep", kept], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^error: E_USAGE: cannot build the demo factory in ${kept}: it already holds a factory`),
    );
    expect(result.stdout).toBe("");
    expect(readdirSync(kept).sort()).toEqual(files);
    expect(readFileSync(join(kept, "factory.db")).equals(log)).toBe(true);
  });

  it("builds the demo in its folder, never in FACTORY_DATABASE_URL's store, and refuses to run twice into it", {
    timeout: 300_000,
  }, async () => {
    const kept = join(cwd, "acme");
    const team = join(cwd, "team.db");
    const env = { FACTORY_DATABASE_URL: team };
    const first = await runFactory(["demo", "--keep", kept], { cwd, env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`factory in ${kept} (SQLite, WAL)`);
    expect(existsSync(team)).toBe(false);
    const items = await runFactory(["--dir", kept, "work", "list", "--json"], {
      cwd,
    });
    const count = (JSON.parse(items.stdout) as unknown[]).length;
    expect(count).toBeGreaterThan(0);

    const second = await runFactory(["demo", "--keep", kept], { cwd, env });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`cannot build the demo factory in ${kept}: it already holds a factory`);
    const after = await runFactory(["--dir", kept, "work", "list", "--json"], {
      cwd,
    });
    expect((JSON.parse(after.stdout) as unknown[]).length).toBe(count);
  });
});
