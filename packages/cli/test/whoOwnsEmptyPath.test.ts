import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

let cwd: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-who-owns-empty-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory who-owns", () => {
  it("refuses an empty path as a usage error (exit 2), as who_owns and context --path do", async () => {
    const result = await runFactory(["--dir", ".factory", "who-owns", "src/checkout/cart.ts", ""], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: E_USAGE: <paths>: [1]: a path must not be empty (got ["src/checkout/cart.ts",""])',
    );
    expect(result.stdout).toBe("");
  });
});
