/**
 * `factory search --line` and `factory knowledge list --line` find the
 * documents of a line the floor plan no longer has (retired), as the SDK
 * does, and refuse a line the factory never knew in the CLI's words.
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
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-retired-line-knowledge-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  // The shop without its search line.
  writeFileSync(join(cwd, "retired.yaml"), SHOP_YAML.slice(0, SHOP_YAML.indexOf("  - id: search")));
  expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
  const captured = await factory(
    ...["knowledge", "capture", "--kind", "note", "--title", "Autocomplete ranks by sales"],
    ...["--body", "Autocomplete suggestions are ranked by sales.", "--line", "search"],
  );
  expect(captured.stderr).toBe("");
  expect((await factory("plan", "apply", "retired.yaml")).code).toBe(0);
}, 240_000);
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory search and knowledge list --line of a retired line", () => {
  it("find the line's documents, and refuse a line never known in the CLI's words", SLOW, async () => {
    const found = await factory("search", "autocomplete", "--line", "search", "--json");
    expect(found.stderr).toBe("");
    expect(JSON.parse(found.stdout).hits).toHaveLength(1);
    const listed = await factory("knowledge", "list", "--line", "search", "--json");
    expect(listed.stderr).toBe("");
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    for (const args of [
      ["search", "autocomplete", "--line", "checkout", "--line", "nowhere"],
      ["knowledge", "list", "--line", "nowhere"],
    ]) {
      const unknown = await factory(...args);
      expect(unknown.code, args.join(" ")).toBe(1);
      expect(unknown.stderr, args.join(" ")).toBe(
        'error: E_NOT_FOUND: --line: no line "nowhere" in the floor plan (see factory floorplan)\n',
      );
    }
  });
});
