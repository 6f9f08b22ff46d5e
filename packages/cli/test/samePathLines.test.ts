/**
 * A floor plan import that proposes a line claiming exactly the paths of
 * another line under another id warns, naming both: merged, both stay and
 * only the later one answers who-owns.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-same-paths-"));
  mkdirSync(join(cwd, ".github"));
  mkdirSync(join(cwd, "packages", "cart"), { recursive: true });
  writeFileSync(join(cwd, ".github", "CODEOWNERS"), "/packages/cart/ @ana\n");
  writeFileSync(join(cwd, "package.json"), '{"name":"shop","private":true,"workspaces":["packages/*"]}\n');
  writeFileSync(join(cwd, "packages", "cart", "package.json"), '{"name":"@shop/cart"}\n');
});
afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("factory import workspaces after import codeowners", () => {
  it("warns that the workspace's line claims the same paths as the CODEOWNERS line", async () => {
    expect((await factory("import", "codeowners")).code).toBe(0);
    const imported = await factory("import", "workspaces", "--json");
    expect(imported.code).toBe(0);
    const { problems } = JSON.parse(imported.stdout) as {
      problems: { code: string; message: string; hint: string }[];
    };
    expect(problems.filter((problem) => problem.code === "same-paths")).toEqual([
      expect.objectContaining({
        message:
          'line "shop-cart" claims the same paths as line "packages-cart" (/packages/cart/): both stay, and only the later one in the floor plan answers who-owns and routing for them',
        hint: 'keep one: apply a factory.yaml without "packages-cart" or without "shop-cart" (applying one replaces the floor plan), or leave "shop-cart" out of the import before merging (edit the proposed plan, or import with --out)',
      }),
    ]);
    const owner = JSON.parse((await factory("who-owns", "packages/cart/a.ts", "--json")).stdout);
    expect(owner).toEqual([{ path: "packages/cart/a.ts", line: "shop-cart", owner: null }]);
  });
});
