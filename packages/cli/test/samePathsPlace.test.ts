/**
 * Where a merged floor plan import's same-paths warning points: into the
 * merged floor plan, as the merge's other warnings do (docs/cli.md: "their
 * indexes count the lines of the merged floor plan"), so that `lines[i]` in
 * `--json` is the line the warning is about; with `--out`, into the file.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFactory } from "./runFactory.js";

const PLAN = `version: 1
product: { id: shop }
operators:
  - { id: ana }
lines:
  - { id: web, owner: ana, paths: [/apps/web/] }
  - { id: docs, owner: ana, paths: [/docs/] }
`;

let cwd: string;
const factory = (...args: string[]) => runFactory(args, { cwd });

interface Problem {
  readonly code: string;
  readonly path: string;
}

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-same-paths-place-"));
  mkdirSync(join(cwd, ".github"));
  mkdirSync(join(cwd, "packages", "cart"), { recursive: true });
  writeFileSync(join(cwd, "factory.yaml"), PLAN);
  writeFileSync(join(cwd, ".github", "CODEOWNERS"), "/packages/cart/ @ana\n");
  writeFileSync(join(cwd, "package.json"), '{"name":"shop","private":true,"workspaces":["packages/*"]}\n');
  writeFileSync(join(cwd, "packages", "cart", "package.json"), '{"name":"@shop/cart"}\n');
  expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
  expect((await factory("import", "codeowners")).code).toBe(0);
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("the same-paths warning of a floor plan import", () => {
  it("names the line's place in the merged floor plan when merged", async () => {
    const imported = await factory("import", "workspaces", "--json");
    expect(imported.code).toBe(0);
    const samePaths = (JSON.parse(imported.stdout) as { problems: Problem[] }).problems.filter(
      (problem) => problem.code === "same-paths",
    );
    expect(samePaths.map((problem) => problem.path)).toEqual(["lines[3].paths"]);
    const plan = JSON.parse((await factory("floorplan", "--json")).stdout) as {
      plan: { lines: { id: string }[] };
    };
    expect(plan.plan.lines.map((line) => line.id)).toEqual(["web", "docs", "packages-cart", "shop-cart"]);

    const again = await factory("import", "workspaces");
    expect(again.stdout).toContain("[lines[3] (shop-cart).paths]");
  });

  it("names the line's place in the --out file when written to one", async () => {
    const written = await factory("import", "workspaces", "--out", "proposed.yaml", "--json");
    expect(written.code).toBe(0);
    const samePaths = (JSON.parse(written.stdout) as { problems: Problem[] }).problems.filter(
      (problem) => problem.code === "same-paths",
    );
    expect(samePaths.map((problem) => problem.path)).toEqual(["lines[0].paths"]);
    expect(readFileSync(join(cwd, "proposed.yaml"), "utf8")).toMatch(/^lines:\n {2}- id: shop-cart$/m);
  });
});
