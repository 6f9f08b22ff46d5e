import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { floorPlanEvents, openFloorPlan, RemoveAllLinesError } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openShop() {
  const dir = mkdtempSync(join(tmpdir(), "factory-floorplan-guard-"));
  dirs.push(dir);
  const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
  const floorplan = await openFloorPlan({ log });
  await floorplan.applyPlan(shopPlan());
  return {
    log,
    floorplan,
    async close() {
      await floorplan.close();
      await log.close();
    },
  };
}

describe("applyPlan refusing to remove every line", () => {
  it("refuses a plan with no lines over a floor plan that has some, appending nothing", async () => {
    const shop = await openShop();
    const head = await shop.log.head();
    const error = await shop.floorplan
      .applyPlan({ version: 1 }, { label: "empty.yaml" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RemoveAllLinesError);
    expect(error).toMatchObject({
      code: "E_REMOVE_ALL_LINES",
      _tag: "RemoveAllLinesError",
      lines: ["catalog", "cart", "payments", "checkout", "web"],
    });
    expect((error as Error).message).toMatch(
      /^empty.yaml declares no lines: applying it would remove all 5 lines/,
    );
    expect(await shop.log.head()).toBe(head);
    expect(shop.floorplan.lines()).toHaveLength(5);
    await shop.close();
  });

  it("removes every line when allowRemoveAllLines says so, and any fewer lines without it", async () => {
    const shop = await openShop();
    const fewer = shopPlan();
    fewer.lines = (fewer.lines ?? []).filter((line) => line.id === "catalog");
    await shop.floorplan.applyPlan(fewer);
    expect(shop.floorplan.lines().map((line) => line.id)).toEqual(["catalog"]);
    await shop.floorplan.applyPlan({ ...shopPlan(), lines: [] }, { allowRemoveAllLines: true });
    expect(shop.floorplan.lines()).toEqual([]);
    await shop.close();
  });

  it("lets merge imports and retiring the last line through", async () => {
    const shop = await openShop();
    await shop.floorplan.applyPlan({ operators: [{ id: "dana" }] }, { mode: "merge" });
    expect(shop.floorplan.lines()).toHaveLength(5);
    const only = shopPlan();
    only.lines = [{ id: "solo", owner: "alice" }];
    await shop.floorplan.applyPlan(only);
    await shop.floorplan.retireLine("solo");
    expect(shop.floorplan.lines()).toEqual([]);
    await shop.close();
  });
});

describe("applyPlan dry run", () => {
  it("counts the changes an apply would make and appends nothing", async () => {
    const shop = await openShop();
    const head = await shop.log.head();
    const next = shopPlan();
    next.lines = (next.lines ?? []).filter((line) => line.id !== "web");
    const dry = await shop.floorplan.applyPlan(next, { dryRun: true });
    expect(dry.events).toEqual([]);
    expect(dry.changes).toBe(1);
    expect(await shop.log.head()).toBe(head);
    expect(shop.floorplan.line("web")).toBeDefined();
    await expect(shop.floorplan.applyPlan({ version: 1 }, { dryRun: true })).rejects.toBeInstanceOf(
      RemoveAllLinesError,
    );
    expect((await shop.floorplan.applyPlan(next)).changes).toBe(1);
    await shop.close();
  });
});
