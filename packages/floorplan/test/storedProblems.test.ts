import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NewEvent, openEventLog, ValidationError } from "@software-factory/core";
import {
  diffPlans,
  type FloorPlan,
  floorPlanEvents,
  openFloorPlan,
  PLAN_LIMITS,
  planOf,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";
import { shopPlanThenStoredBefore } from "./storedData.js";

const dirs: string[] = [];
const open: { floorplan: FloorPlan; close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const { close } of open.splice(0)) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const provenance = { source: "factory.yaml" };
const LONG_DESCRIPTION = "d".repeat(PLAN_LIMITS.description * 5);
const LONG_PATTERN = `/packages/catalog/${"a".repeat(PLAN_LIMITS.pathPattern)}/`;

/** The shop plan applied today, then `stored` appended as an older version wrote it; the floor plan opened on the result. */
async function factoryWith(stored: readonly NewEvent[]) {
  const dir = mkdtempSync(join(tmpdir(), "factory-stored-problems-"));
  dirs.push(dir);
  const path = join(dir, "factory.db");
  await shopPlanThenStoredBefore(path, stored);
  const log = await openEventLog({ path, events: floorPlanEvents });
  const floorplan = await openFloorPlan({ log });
  open.push({
    floorplan,
    close: async () => {
      await floorplan.close();
      await log.close();
    },
  });
  return { floorplan, log };
}

/** What a workspaces import stored for a package listing itself among its dependencies. */
const selfDependency: NewEvent = {
  type: "floorplan.dependency.declared",
  subject: "cart",
  data: { from: "cart", to: "cart", kind: "library", criticality: "medium", provenance },
};

/** A line `catalog` as an older version stored it: a description and a pattern over today's limits. */
const overLimitCatalog: NewEvent = {
  type: "floorplan.line.declared",
  subject: "catalog",
  data: {
    id: "catalog",
    domain: "commerce",
    description: LONG_DESCRIPTION,
    paths: [LONG_PATTERN],
    tags: [],
    knowledge: [],
    wipLimit: 2,
    order: 0,
    provenance,
  },
};

describe("a floor plan holding data stored before today's checks", () => {
  it("takes edits that leave a stored self-dependency alone, warning how to fix it", async () => {
    const { floorplan } = await factoryWith([selfDependency]);
    const declared = await floorplan.declareOperator({ id: "erin", name: "Erin" });
    expect(declared.changes).toBe(1);
    expect(declared.warnings).toEqual([
      expect.objectContaining({
        code: "self-dependency",
        severity: "warning",
        message: '"cart" depends on itself',
        hint: expect.stringContaining("factory.yaml"),
      }),
    ]);
    await floorplan.assignOwner("web", "erin");
    await floorplan.addDependency("web", { line: "catalog" });
    await floorplan.declareLine({ id: "search", owner: "erin", dependsOn: ["catalog"] });
    // Editing the line itself leaves the entry as it is, too.
    await floorplan.addContributor("cart", { operator: "erin", role: "backup" });
    expect(floorplan.ownerOf("web")).toBe("erin");
    expect(floorplan.hasLine("search")).toBe(true);
  });

  it("still refuses a whole plan that keeps the self-dependency, and takes one without it", async () => {
    const { floorplan } = await factoryWith([selfDependency]);
    const plan = floorplan.toPlan();
    const error = await floorplan.applyPlan(plan).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toMatchObject([
      { code: "self-dependency", severity: "error", path: "lines[1].dependsOn[1]" },
    ]);
    const fixed = {
      ...plan,
      lines: plan.lines.map((line) => ({
        ...line,
        dependsOn: line.dependsOn.filter((dependency) => dependency.line !== line.id),
      })),
    };
    const applied = await floorplan.applyPlan(fixed);
    expect(applied.warnings).toEqual([]);
    expect(floorplan.dependencies("cart", { depth: 1 }).map((dependency) => dependency.line)).toEqual([
      "catalog",
    ]);
  });

  it("still refuses an edit that brings a self-dependency or another new error, appending nothing", async () => {
    const { floorplan, log } = await factoryWith([selfDependency]);
    const head = await log.head();
    await expect(floorplan.addDependency("web", { line: "web" })).rejects.toThrow('"web" depends on itself');
    await expect(floorplan.assignOwner("web", "ghost")).rejects.toThrow('names an unknown operator "ghost"');
    await expect(floorplan.addContributor("cart", { operator: "bob", role: "Not A Role" })).rejects.toThrow(
      "role must be a lowercase word",
    );
    await expect(floorplan.declareLine({ id: "loop", owner: "bob", dependsOn: ["loop"] })).rejects.toThrow(
      '"loop" depends on itself',
    );
    expect(await log.head()).toBe(head);
  });

  it("takes edits beside a line whose stored description and pattern are over today's limits", async () => {
    const { floorplan } = await factoryWith([overLimitCatalog]);
    const declared = await floorplan.declareOperator({ id: "erin" });
    expect(declared.changes).toBe(1);
    await floorplan.assignOwner("web", "erin");
    // Editing the long line's owner or contributors leaves its texts alone.
    const edited = await floorplan.assignOwner("catalog", "erin");
    expect(edited.warnings.map((warning) => warning.path).sort()).toEqual([
      "lines[0].description",
      "lines[0].paths[0]",
    ]);
    await floorplan.addContributor("catalog", { operator: "bob", role: "reviewer" });
    expect(floorplan.ownerOf("catalog")).toBe("erin");
    expect(floorplan.lineForPath(`${LONG_PATTERN.slice(1)}x.ts`)).toBe("catalog");
  });

  it("refuses, saying why, an edit that must record a line holding an over-limit text again", async () => {
    // An imported line: assigning its owner by hand makes it declared, which records it again.
    const imported = {
      ...overLimitCatalog,
      data: { ...(overLimitCatalog.data as object), provenance: { source: "backstage" } },
    };
    const { floorplan } = await factoryWith([imported]);
    const error = await floorplan.assignOwner("catalog", "bob").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((issue) => issue.path)).toEqual(["lines[0].description", "lines[0].paths[0]"]);
    for (const issue of issues)
      expect(issue).toMatchObject({ hint: expect.stringContaining('records line "catalog" again') });
    await floorplan.declareLine({
      id: "catalog",
      owner: "bob",
      domain: "commerce",
      paths: ["/packages/catalog/"],
    });
    expect(floorplan.ownerOf("catalog")).toBe("bob");
  });

  it("refuses a declaration that states an over-limit text again, and takes one that shortens it", async () => {
    const { floorplan } = await factoryWith([overLimitCatalog]);
    const again = { id: "catalog", owner: "carol", domain: "commerce", description: LONG_DESCRIPTION };
    await expect(floorplan.declareLine(again)).rejects.toThrow(
      `a description is at most ${PLAN_LIMITS.description} characters`,
    );
    const fixed = await floorplan.declareLine({
      ...again,
      description: "Products",
      paths: ["/packages/catalog/"],
    });
    expect(fixed.warnings).toEqual([]);
    expect(floorplan.line("catalog")?.description).toBe("Products");
  });

  it("compares itself with a plan that fixes an over-limit text, which then applies (plan apply's preview)", async () => {
    const { floorplan } = await factoryWith([overLimitCatalog]);
    const fixed = planOf(shopPlan());
    const diff = diffPlans(floorplan.toPlan(), fixed);
    expect(diff.linesChanged).toEqual(["catalog"]);
    // A plan given as input is still checked in full.
    expect(() => diffPlans(fixed, { lines: [{ id: "x", description: LONG_DESCRIPTION }] })).toThrow(
      ValidationError,
    );
    const applied = await floorplan.applyPlan(fixed);
    expect(applied.warnings).toEqual([]);
    expect(floorplan.line("catalog")?.description).toBeUndefined();
  });
});
