import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** Each test runs the bin, a few seconds on a loaded machine. */
const SLOW = { timeout: 240_000 };

/** A Cursor rule whose `globs` opens a list on line 3, column 8, and never closes it. */
const BAD_MDC = "---\ndescription: Broken\nglobs: [unclosed\n---\n\nNever read.\n";
const GOOD_MDC = "---\ndescription: TypeScript style\nglobs: src/**/*.ts\n---\n\nUse named exports.\n";

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-skipped-instructions-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  mkdirSync(join(cwd, "repo", ".cursor", "rules"), { recursive: true });
  writeFileSync(join(cwd, "repo", ".cursor", "rules", "bad.mdc"), BAD_MDC);
  writeFileSync(join(cwd, "repo", ".cursor", "rules", "typescript.mdc"), GOOD_MDC);
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("an instruction file that does not parse", () => {
  it(
    "is skipped by factory context with a warning at its line and column, and the pack holds the rest",
    SLOW,
    async () => {
      const result = await factory("context", "--path", "repo/src/a.ts", "--instructions", "repo", "--json");
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/^warning: instruction file .*bad\.mdc:3:8 /m);
      expect(result.stdout).toContain("Use named exports.");
      expect(result.stdout).not.toContain("Never read.");
    },
  );

  it("is warned about by factory standards export at the same place", SLOW, async () => {
    const result = await factory(
      "standards",
      "export",
      "--format",
      "agents-md",
      "--to",
      join(cwd, "out", "AGENTS.md"),
      "--instructions",
      "repo",
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^warning: instruction file .*bad\.mdc:3:8 /m);
    expect(result.stdout).toContain("1 standard exported as AGENTS.md");
  });
});
