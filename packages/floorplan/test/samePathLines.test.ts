/**
 * An import that names a package differently from the floor plan (the
 * workspace's `shop-cart`, CODEOWNERS' `packages-cart`, both
 * `/packages/cart/`) adds a second line with the same paths: the merge says
 * so with a `same-paths` warning at the imported line, and `samePathLines`
 * says it of a proposal that is not merged (written to a file to edit).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import {
  type FloorPlan,
  floorPlanEvents,
  openFloorPlan,
  type PlanInput,
  planOf,
  samePathLines,
} from "@software-factory/floorplan";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let floorplan: FloorPlan;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-floorplan-same-paths-"));
  const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
  floorplan = await openFloorPlan({ log });
  await floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana", roles: ["line"] }],
    lines: [
      { id: "web", owner: "ana", paths: ["/apps/web/"] },
      { id: "packages-cart", owner: "ana", paths: ["/packages/cart/"] },
    ],
  });
});
afterEach(async () => {
  await floorplan.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A workspaces import proposing `lines`, owned by ana. */
function workspaces(lines: { id: string; paths: string[] }[]): PlanInput {
  return { lines: lines.map((line) => ({ ...line, owner: "ana" })) };
}

const SHOP_CART_WARNING = {
  code: "same-paths",
  severity: "warning",
  path: "lines[3].paths",
  message:
    'line "shop-cart" claims the same paths as line "packages-cart" (/packages/cart/): both stay, and only the later one in the floor plan answers who-owns and routing for them',
  hint: 'keep one: apply a factory.yaml without "packages-cart" or without "shop-cart" (applying one replaces the floor plan), or leave "shop-cart" out of the import before merging (edit the proposed plan, or import with --out)',
};

describe("merging an import with a line claiming another line's paths under another id", () => {
  it("warns first, at the imported line's place in the merged floor plan, naming both lines", async () => {
    const proposal = workspaces([
      { id: "shop-docs", paths: ["/docs/"] },
      { id: "shop-cart", paths: ["/packages/cart/"] },
    ]);
    const applied = await floorplan.applyPlan(proposal, { mode: "merge", source: "workspaces" });
    expect(applied.warnings[0]).toEqual(SHOP_CART_WARNING);
    expect(applied.warnings.filter((warning) => warning.code === "same-paths")).toHaveLength(1);
    // As the warning says: both stay, and the later one answers.
    expect(floorplan.toPlan().lines.map((line) => line.id)).toEqual([
      "web",
      "packages-cart",
      "shop-docs",
      "shop-cart",
    ]);
    expect(floorplan.explainPath("packages/cart/a.ts")).toMatchObject({ line: "shop-cart" });

    const dryRun = await floorplan.applyPlan(proposal, { mode: "merge", source: "workspaces", dryRun: true });
    expect(dryRun.warnings.filter((warning) => warning.code === "same-paths")).toEqual([SHOP_CART_WARNING]);
  });

  it("counts a line the import redeclares with the paths it proposes", async () => {
    const moved = workspaces([
      { id: "packages-cart", paths: ["/packages/cart-v1/"] },
      { id: "shop-cart", paths: ["/packages/cart/"] },
    ]);
    expect(samePathLines(floorplan.toPlan(), planOf(moved))).toEqual([]);
    const applied = await floorplan.applyPlan(moved, { mode: "merge", source: "workspaces" });
    expect(applied.warnings.filter((warning) => warning.code === "same-paths")).toEqual([]);
  });
});

describe("samePathLines of a proposal not merged", () => {
  it("places each warning at the line's place in the proposal", () => {
    const proposal = planOf(workspaces([{ id: "shop-cart", paths: ["/packages/cart/"] }]));
    expect(samePathLines(floorplan.toPlan(), proposal)).toEqual([
      { ...SHOP_CART_WARNING, path: "lines[0].paths" },
    ]);
  });
});
