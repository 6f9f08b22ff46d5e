import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotFoundError, openEventLog, ValidationError } from "@software-factory/core";
import {
  buildFloorGraph,
  floorPlanEvents,
  impactOf,
  openFloorPlan,
  type ReachedLine,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-floorplan-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

describe("openFloorPlan", () => {
  it("applies a plan as one batch of events and answers queries from the projection", async () => {
    const log = await openEventLog({ path: tempDb(), events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    const result = await plan.applyPlan(shopPlan());
    expect(result.changes).toBeGreaterThan(0);
    expect(result.events.at(-1)?.type).toBe("floorplan.plan.applied");
    expect(new Set(result.events.map((event) => event.seq)).size).toBe(result.events.length);

    expect(plan.lines().map((line) => line.id)).toEqual(["catalog", "cart", "payments", "checkout", "web"]);
    expect(plan.ownerOf("checkout")).toBe("alice");
    expect(plan.line("checkout")?.contributors).toEqual([{ operator: "bob", role: "backup" }]);
    expect(plan.wipLimitOf("payments")).toBe(3);
    expect(plan.wipLimitOf("web")).toBeUndefined();
    expect(plan.linesOf("bob")).toEqual(["cart", "web"]);
    expect(plan.linesOf("bob", { contributions: true })).toEqual(["cart", "checkout", "web"]);
    expect(plan.lineForPath("packages/checkout/src/index.ts")).toBe("checkout");
    expect(plan.line("web")?.provenance.source).toBe("factory.yaml");
    await plan.close();
    await log.close();
  });

  it("appends nothing when the same plan is applied twice", async () => {
    const log = await openEventLog({ path: tempDb(), events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    await plan.applyPlan(shopPlan());
    const head = await log.head();
    const again = await plan.applyPlan(shopPlan());
    expect(again.events).toEqual([]);
    expect(await log.head()).toBe(head);
    await plan.close();
    await log.close();
  });

  it("appends only the differences when a plan changes, and retires what it lacks", async () => {
    const log = await openEventLog({ path: tempDb(), events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    await plan.applyPlan(shopPlan());
    const next = shopPlan();
    next.lines = (next.lines ?? [])
      .filter((line) => line.id !== "web")
      .map((line) => (line.id === "cart" ? { ...line, owner: "carol" } : line));
    const result = await plan.applyPlan(next);
    expect(result.events.map((event) => event.type)).toEqual([
      "floorplan.owner.assigned",
      "floorplan.line.retired",
      "floorplan.plan.applied",
    ]);
    expect(plan.ownerOf("cart")).toBe("carol");
    expect(plan.line("web")).toBeUndefined();
    await plan.close();
    await log.close();
  });

  it("rebuilds the same graph from the log in another process's view", async () => {
    const path = tempDb();
    const writerLog = await openEventLog({ path, events: floorPlanEvents });
    const writer = await openFloorPlan({ log: writerLog });
    await writer.applyPlan(shopPlan());
    await writer.addDependency("web", { line: "payments", kind: "api", criticality: "low" });
    const readerLog = await openEventLog({ path, events: floorPlanEvents });
    const reader = await openFloorPlan({ log: readerLog, live: false });
    expect(reader.toPlan()).toEqual(writer.toPlan());
    expect(
      reader
        .dependencies("web", { transitive: false })
        .map((d) => d.line)
        .sort(),
    ).toEqual(["checkout", "payments"]);
    await Promise.all([writer.close(), reader.close()]);
    await Promise.all([writerLog.close(), readerLog.close()]);
  });

  it("records each single change as events: owner, contributor, dependency, retirement", async () => {
    const log = await openEventLog({ path: tempDb(), events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    await plan.applyPlan(shopPlan());
    await plan.assignOwner("web", "carol");
    await plan.addContributor("web", { operator: "dan", role: "reviewer" });
    await plan.removeDependency("checkout", "cart");
    await plan.declareLine({ id: "search", owner: "dan", domain: "storefront", dependsOn: ["catalog"] });
    expect(plan.ownerOf("web")).toBe("carol");
    expect(plan.line("web")?.contributors).toEqual([{ operator: "dan", role: "reviewer" }]);
    expect(plan.dependencies("checkout", { transitive: false }).map((d) => d.line)).toEqual(["payments"]);
    expect(plan.dependencies("search")).toMatchObject([
      {
        line: "catalog",
        depth: 1,
        path: [{ from: "search", to: "catalog", kind: "api", criticality: "medium" }],
      },
    ]);
    const types = [];
    for await (const event of log.readAll()) types.push(event.type);
    expect(types).toContain("floorplan.contributor.added");
    expect(types).toContain("floorplan.dependency.removed");
    await expect(plan.assignOwner("nope", "carol")).rejects.toBeInstanceOf(NotFoundError);
    await expect(plan.assignOwner("web", "zed")).rejects.toMatchObject({
      _tag: "NotFoundError",
      field: "operatorId",
    });
    await expect(plan.addDependency("web", { line: "ghost" })).rejects.toThrow(/ghost/);
    await plan.close();
    await log.close();
  });

  it("rejects a plan with an unknown owner and a dependency on a missing line, naming both", async () => {
    const log = await openEventLog({ path: tempDb(), events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    const bad = shopPlan();
    bad.lines = [...(bad.lines ?? []), { id: "extra", owner: "alcie", dependsOn: ["nowhere"] }];
    const error = await plan.applyPlan(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
      "lines[5].owner",
      "lines[5].dependsOn[0]",
    ]);
    expect((error as ValidationError).message).toMatch(/alcie/);
    expect(await log.head()).toBe(0);
    await plan.close();
    await log.close();
  });

  it("walks dependents in plan order, the same however the plan was reached", async () => {
    const log = await openEventLog({ path: tempDb(), events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    await plan.applyPlan({
      operators: [{ id: "o" }],
      lines: [
        { id: "core", owner: "o" },
        { id: "p", owner: "o" },
        { id: "q", owner: "o", dependsOn: [{ line: "core", criticality: "high" }] },
        {
          id: "x",
          owner: "o",
          dependsOn: [
            { line: "p", criticality: "high" },
            { line: "q", criticality: "high" },
          ],
        },
      ],
    });
    // p's dependency comes later in the log than q's, yet p comes first in the plan.
    await plan.addDependency("p", { line: "core", criticality: "high" });
    const rebuilt = buildFloorGraph(plan.toPlan());
    const chains = (reached: readonly ReachedLine[]) =>
      reached.map(({ line, path }) => [line, path.map((step) => step.from)]);
    const expected = [
      ["p", ["p"]],
      ["q", ["q"]],
      ["x", ["p", "x"]],
    ];
    expect(chains(plan.dependents("core"))).toEqual(expected);
    expect(chains(rebuilt.dependents("core"))).toEqual(expected);
    const reason = "x depends on p (api, high), which depends on core (api, high), which changed";
    expect(plan.impact({ lines: ["core"] }).affected.at(-1)?.reason).toBe(reason);
    expect(impactOf(rebuilt, { lines: ["core"] }).affected.at(-1)?.reason).toBe(reason);
    await plan.close();
    await log.close();
  });
});
