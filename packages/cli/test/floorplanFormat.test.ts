/**
 * `factory floorplan` checks --format whatever --json says, and refuses a
 * diagram format together with --json.
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
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-floorplan-format-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory floorplan --json with --format", () => {
  it.each([
    [
      ["--format", "nope"],
      'error: E_USAGE: --format: must be one of "text", "mermaid", "dot", "json" (got "nope")',
    ],
    [
      ["--format", "mermaid"],
      "error: E_USAGE: --format mermaid prints a diagram, not JSON: give --json or --format mermaid, not both",
    ],
    [
      ["--format", "dot"],
      "error: E_USAGE: --format dot prints a diagram, not JSON: give --json or --format dot, not both",
    ],
  ])("refuses %j as a usage error, printing nothing", async (format, first) => {
    const result = await factory("floorplan", "--json", ...format);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")[0]).toBe(first);
    expect(result.code).toBe(2);
  });

  it("prints JSON for --format json or text", async () => {
    for (const format of ["json", "text"]) {
      const result = await factory("floorplan", "--json", "--format", format);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).plan.lines.length).toBeGreaterThan(0);
    }
  });
});
