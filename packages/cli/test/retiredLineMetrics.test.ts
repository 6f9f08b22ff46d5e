/**
 * `factory metrics --line` measures a line the floor plan no longer has
 * (retired) from its history, as it does a retired operator's, and still
 * refuses a line the factory never knew; `work list` and `check` answer such
 * a line with its history too, as the SDK does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** The bin runs a few times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-retired-line-metrics-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  // The shop without its search line.
  writeFileSync(join(cwd, "retired.yaml"), SHOP_YAML.slice(0, SHOP_YAML.indexOf("  - id: search")));
  expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory metrics --line of a retired line", () => {
  it("measures the line's history after the floor plan drops it", SLOW, async () => {
    expect((await factory("work", "create", "--line", "search", "Autocomplete")).code).toBe(0);
    expect((await factory("plan", "apply", "retired.yaml")).code).toBe(0);
    const measured = await factory("metrics", "--line", "search", "--json");
    expect(measured.stderr).toBe("");
    expect(measured.code).toBe(0);
    expect(JSON.parse(measured.stdout)).toMatchObject({ scope: { line: "search" }, yield: { delivered: 0 } });
    const unknown = await factory("metrics", "--line", "nowhere");
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('--line: no line "nowhere" in the floor plan');
  });

  it(
    "lists and checks the retired line's work, and refuses a line never known in the CLI's words",
    SLOW,
    async () => {
      const listed = await factory("work", "list", "--line", "search", "--json");
      expect(listed.stderr).toBe("");
      expect(JSON.parse(listed.stdout)).toEqual([
        expect.objectContaining({ line: "search", title: "Autocomplete" }),
      ]);
      const checked = await factory("check", "--line", "search", "--fail-on", "never", "--json");
      expect(checked.stderr).toBe("");
      expect(JSON.parse(checked.stdout).findings.length).toBeGreaterThan(0);
      for (const args of [
        ["work", "list", "--line", "nowhere"],
        ["check", "--line", "nowhere"],
        ["deployment", "list", "--line", "nowhere"],
        ["incident", "list", "--line", "nowhere"],
      ]) {
        const unknown = await factory(...args);
        expect(unknown.code, args.join(" ")).toBe(1);
        expect(unknown.stderr, args.join(" ")).toBe(
          'error: E_NOT_FOUND: --line: no line "nowhere" in the floor plan (see factory floorplan)\n',
        );
      }
    },
  );
});
