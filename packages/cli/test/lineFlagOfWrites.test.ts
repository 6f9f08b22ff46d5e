/**
 * `work create --line` and `signal capture --line` refuse a value no line can
 * have as malformed (E_USAGE, exit 2, the floor plan's rule and the value), as
 * the `--line` filters do; a well-formed line the plan lacks stays E_NOT_FOUND.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-line-flag-writes-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const RULE = "id must be 1-64 chars of [a-z0-9._-], starting with a letter or digit";

describe("the --line of work create and signal capture", () => {
  it.each([
    [["work", "create", "--line", "Checkout", "Fix refunds"], "Checkout"],
    [["work", "create", "--line", "two words", "Fix refunds"], "two words"],
    [["signal", "capture", "--source", "support", "--line", "Checkout", "Refunds are slow"], "Checkout"],
  ])("%j is E_USAGE with the rule and the value, and writes nothing", async (args, value) => {
    const run = await factory(...args);
    expect(run.stderr.split("\n")[0]).toBe(`error: E_USAGE: --line: ${RULE} (got ${JSON.stringify(value)})`);
    expect(run.code).toBe(2);
    expect(JSON.parse((await factory("work", "list", "--json")).stdout)).toEqual([]);
    const metrics = JSON.parse((await factory("metrics", "--json")).stdout) as {
      signals: { captured: number };
    };
    expect(metrics.signals.captured).toBe(0);
  });

  it("is E_NOT_FOUND for a line id the floor plan lacks", async () => {
    const run = await factory("work", "create", "--line", "ghost", "Fix refunds");
    expect(run.stderr.split("\n")[0]).toMatch(/^error: E_NOT_FOUND: --line: no line "ghost"/);
    expect(run.code).toBe(1);
  });
});
