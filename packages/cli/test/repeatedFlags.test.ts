/**
 * A flag that takes one value, given twice, is a usage error: commander kept
 * the last value, so `work list --state active --state done` answered "no
 * work items" for the active item. Flags marked `(repeatable)` gather every
 * value as before, and a value from the environment is not counted.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory, runFactoryProcess } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-repeated-flags-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
  expect((await factory("work", "create", "--line", "checkout", "Fix refunds")).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("a flag that takes one value", () => {
  it("given twice is E_USAGE naming it and both values, exit 2, not answered for the last", async () => {
    const run = await factory("work", "list", "--state", "active", "--state", "done");
    expect(run.stderr.split("\n")[0]).toBe(
      'error: E_USAGE: --state: given twice ("active", "done"); it takes one value',
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
  });

  it("is refused twice under its short and long names, and as a global flag", async () => {
    const limit = await factory("work", "list", "-n", "5", "--limit", "7");
    expect(limit.stderr.split("\n")[0]).toBe(
      'error: E_USAGE: --limit: given twice ("5", "7"); it takes one value',
    );
    expect(limit.code).toBe(2);
    const dir = await factory("--dir", ".factory", "work", "list", "--dir", "elsewhere");
    expect(dir.stderr.split("\n")[0]).toBe(
      'error: E_USAGE: --dir: given twice (".factory", "elsewhere"); it takes one value',
    );
    expect(dir.code).toBe(2);
  });

  it("given once on the command line and once in the environment is the command line's", async () => {
    const run = await runFactory(["--dir", ".factory", "work", "list", "--state", "active"], {
      cwd,
      env: { FACTORY_DIR: join(cwd, "no-such-factory") },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Fix refunds");
  });

  it("is refused the same by the built bin", async () => {
    const run = await runFactoryProcess(["work", "list", "--state", "active", "--state", "done"], { cwd });
    expect(run.stderr.split("\n")[0]).toBe(
      'error: E_USAGE: --state: given twice ("active", "done"); it takes one value',
    );
    expect(run.code).toBe(2);
  });
});

describe("a repeatable flag and a switch", () => {
  it("gather every value of a (repeatable) flag, and a switch given twice is on", async () => {
    const impact = await factory("impact", "--line", "checkout", "--line", "payments", "--json", "--json");
    expect(impact.code, impact.stderr).toBe(0);
    const changed = (JSON.parse(impact.stdout) as { changed: { line: string }[] }).changed;
    expect(changed.map(({ line }) => line)).toEqual(["checkout", "payments"]);
  });
});
