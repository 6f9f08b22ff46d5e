import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, type NewEvent, openEventLog } from "@software-factory/core";
import { type FloorPlan, floorPlanEvents, openFloorPlan, PLAN_LIMITS } from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";
import { appendAsStoredBefore } from "./storedData.js";

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const LONG_DESCRIPTION = "d".repeat(PLAN_LIMITS.description * 5);

/** A line of the shop plan as an older version stored it: with a description over today's limit. */
function storedLongLine(id: string, domain: string, order: number, source = "factory.yaml"): NewEvent {
  return {
    type: "floorplan.line.declared",
    subject: id,
    data: {
      id,
      domain,
      description: LONG_DESCRIPTION,
      paths: [`/packages/${id}/`],
      tags: [],
      knowledge: [],
      order,
      provenance: { source },
    },
  };
}

/** Opens the floor plan of the SQLite log at `path` (a fresh fold of the whole log). */
async function openAt(path: string): Promise<{ floorplan: FloorPlan; log: EventLog }> {
  const log = await openEventLog({ path, events: floorPlanEvents });
  const floorplan = await openFloorPlan({ log });
  closers.push(async () => {
    await floorplan.close();
    await log.close();
  });
  return { floorplan, log };
}

/** The shop plan applied today, then `stored` appended as an older version wrote it. */
async function factoryWith(stored: readonly NewEvent[]) {
  const dir = mkdtempSync(join(tmpdir(), "factory-stored-removals-"));
  dirs.push(dir);
  const path = join(dir, "factory.db");
  const setup = await openAt(path);
  await setup.floorplan.applyPlan(shopPlan());
  await appendAsStoredBefore(path, stored);
  await setup.floorplan.refresh();
  return { path, ...setup };
}

describe("removals on a floor plan holding a line stored over today's limits", () => {
  it("reads the line, then retires it once nothing depends on it", async () => {
    const { path, floorplan } = await factoryWith([storedLongLine("catalog", "commerce", 0)]);
    expect(floorplan.line("catalog")?.description).toBe(LONG_DESCRIPTION);
    expect(floorplan.toPlan().lines[0]?.description).toBe(LONG_DESCRIPTION);
    expect(floorplan.lineForPath("packages/catalog/list.ts")).toBe("catalog");
    await floorplan.removeDependency("cart", "catalog");
    await floorplan.retireLine("catalog");
    expect(floorplan.hasLine("catalog")).toBe(false);
    const reopened = await openAt(path);
    expect(reopened.floorplan.lines().map((line) => line.id)).toEqual([
      "cart",
      "payments",
      "checkout",
      "web",
    ]);
  });

  it("retires a line before it, moving it up without recording its description again", async () => {
    const { path, floorplan } = await factoryWith([storedLongLine("web", "storefront", 4)]);
    await floorplan.removeDependency("checkout", "payments");
    const retired = await floorplan.retireLine("payments");
    expect(retired.events.map((event) => [event.type, event.subject, event.data])).toEqual([
      ["floorplan.line.moved", "checkout", { id: "checkout", order: 2 }],
      ["floorplan.line.moved", "web", { id: "web", order: 3 }],
      ["floorplan.line.retired", "payments", { id: "payments" }],
      ["floorplan.plan.applied", "floorplan", { source: "retire payments", changes: 3 }],
    ]);
    expect(retired.warnings).toEqual([
      expect.objectContaining({ path: "lines[3].description", severity: "warning" }),
    ]);
    // The moved line keeps its texts, its owner and its place after the others.
    const reopened = await openAt(path);
    for (const plan of [floorplan, reopened.floorplan]) {
      expect(plan.lines().map((line) => line.id)).toEqual(["catalog", "cart", "checkout", "web"]);
      expect(plan.line("web")?.description).toBe(LONG_DESCRIPTION);
      expect(plan.ownerOf("web")).toBe("bob");
    }
  });

  it("keeps CODEOWNERS precedence after a move: a line declared later still wins a path both claim", async () => {
    const { floorplan } = await factoryWith([storedLongLine("web", "storefront", 4)]);
    await floorplan.removeDependency("checkout", "payments");
    await floorplan.retireLine("payments");
    await floorplan.declareLine({ id: "web-kit", owner: "carol", paths: ["/packages/web/kit/"] });
    expect(floorplan.lineForPath("packages/web/kit/button.ts")).toBe("web-kit");
    expect(floorplan.lineForPath("packages/web/page.ts")).toBe("web");
  });

  it("removes a dependency and a contributor of an imported line stored over the limits, declaring nothing", async () => {
    const { floorplan } = await factoryWith([
      storedLongLine("cart", "commerce", 1, "backstage"),
      {
        type: "floorplan.contributor.added",
        subject: "cart",
        data: { line: "cart", operator: "dan", role: "reviewer", provenance: { source: "backstage" } },
      },
    ]);
    const removed = await floorplan.removeDependency("cart", "catalog");
    expect(removed.events.map((event) => event.type)).toEqual([
      "floorplan.dependency.removed",
      "floorplan.plan.applied",
    ]);
    await floorplan.removeContributor("cart", "dan");
    expect(floorplan.line("cart")?.contributors).toEqual([]);
    expect(floorplan.dependencies("cart")).toEqual([]);
    // The line stays as the import stored it: removing declares nothing by hand.
    expect(floorplan.graph.graph.getNodeAttributes("line:cart").provenance.source).toBe("backstage");
  });
});
