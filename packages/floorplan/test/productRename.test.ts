import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import {
  floorPlanEvents,
  mergePlans,
  openFloorPlan,
  type PlanInput,
  PlanSchema,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const shop: PlanInput = {
  product: { id: "shop" },
  operators: [{ id: "ana" }],
  domains: [{ id: "commerce" }],
  lines: [{ id: "checkout", owner: "ana", domain: "commerce" }],
};
const acme: PlanInput = { ...shop, product: { id: "acme", name: "Acme" } };

async function openLog() {
  const dir = mkdtempSync(join(tmpdir(), "factory-floorplan-product-"));
  dirs.push(dir);
  const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
  return { dir, log };
}

describe("a product declared under another id", () => {
  it("renames the product, and applying the same plan again changes nothing", async () => {
    const { log } = await openLog();
    const floorplan = await openFloorPlan({ log });
    await floorplan.applyPlan(shop);
    expect((await floorplan.applyPlan(acme)).changes).toBe(1);
    expect((await floorplan.applyPlan(acme)).changes).toBe(0);
    expect((await floorplan.applyPlan(acme)).changes).toBe(0);
    expect(floorplan.toPlan().product).toEqual({ id: "acme", name: "Acme" });
    expect(floorplan.graph.graph.hasNode("product:shop")).toBe(false);
    expect(floorplan.graph.graph.outNeighbors("domain:commerce")).toEqual(["product:acme"]);
    await floorplan.close();
    await log.close();
  });

  it("is renamed in a floor plan folded again from the log, and in one opened from its snapshot", async () => {
    const { dir, log } = await openLog();
    const first = await openFloorPlan({ log, cacheDir: dir });
    await first.applyPlan(shop);
    await first.applyPlan(acme);
    await first.close();
    for (const options of [{ log }, { log, cacheDir: dir }]) {
      const again = await openFloorPlan(options);
      expect(again.toPlan().product).toEqual({ id: "acme", name: "Acme" });
      expect((await again.applyPlan(acme)).changes).toBe(0);
      await again.close();
    }
    await log.close();
  });

  it("is left alone by an import merged, which still describes the product under its own id", async () => {
    const { log } = await openLog();
    const floorplan = await openFloorPlan({ log });
    await floorplan.applyPlan(shop);
    const imported = await floorplan.applyPlan(
      { product: { id: "acme", name: "Acme" } },
      { mode: "merge", source: "backstage" },
    );
    expect(imported.changes).toBe(0);
    expect(floorplan.toPlan().product).toEqual({ id: "shop" });
    await floorplan.applyPlan(
      { product: { id: "shop", name: "Shop" } },
      { mode: "merge", source: "backstage" },
    );
    expect(floorplan.toPlan().product).toEqual({ id: "shop", name: "Shop" });
    expect(mergePlans(floorplan.toPlan(), PlanSchema.parse(acme)).product).toEqual({
      id: "shop",
      name: "Shop",
    });
    await floorplan.close();
    await log.close();
  });
});
