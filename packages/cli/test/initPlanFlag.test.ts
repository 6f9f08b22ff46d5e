/**
 * `factory init --plan` refuses a plan path as every flag naming a file does:
 * empty is a usage error, missing is E_NOT_FOUND naming --plan, and neither
 * creates a factory (a folder is refused as plan apply refuses it: planInputs.test).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-init-plan-"));
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory init --plan", () => {
  it.each([
    [[""], 2, "error: E_USAGE: --plan: must not be empty\n"],
    [["nope.yaml"], 1, "error: E_NOT_FOUND: --plan: no file nope.yaml\n"],
  ])("refuses %j naming the flag, creating no factory", async (plan, code, first) => {
    const result = await factory("init", "--plan", ...plan);
    expect(result.stdout).toBe("");
    expect(result.stderr.startsWith(first)).toBe(true);
    expect(result.code).toBe(code);
    expect(existsSync(join(cwd, ".factory"))).toBe(false);
  });
});
