import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import {
  edgeKey,
  type FloorPlan,
  floorPlanEvents,
  openFloorPlan,
  type PlanInput,
} from "@software-factory/floorplan";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let log: EventLog;
let floorplan: FloorPlan;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-declared-"));
  log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
  floorplan = await openFloorPlan({ log });
});

afterEach(async () => {
  await floorplan.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const plan: PlanInput = {
  operators: [{ id: "ana" }, { id: "bo" }],
  lines: [
    { id: "web", owner: "ana", paths: ["/packages/web/"], dependsOn: ["api"] },
    { id: "api", owner: "bo", paths: ["/packages/api/"] },
  ],
};

const sourceOfDependency = () =>
  floorplan.graph.graph.getEdgeAttributes(edgeKey("dependsOn", "line:web", "line:api")).provenance.source;
const sourceOfOwner = () =>
  floorplan.graph.graph.getEdgeAttributes(edgeKey("owns", "operator:ana", "line:web")).provenance.source;

describe("declaring in factory.yaml what an import stated", () => {
  it("makes the facts declared, once, and a later import does not take them back", async () => {
    await floorplan.applyPlan(plan, { source: "workspaces", mode: "merge" });
    expect(floorplan.line("web")?.provenance.source).toBe("workspaces");
    expect(
      floorplan
        .health()
        .undeclaredLines.map(({ line }) => line)
        .sort(),
    ).toEqual(["api", "web"]);

    const declared = await floorplan.applyPlan(plan);

    expect(declared.changes).toBeGreaterThan(0);
    expect(floorplan.line("web")?.provenance.source).toBe("factory.yaml");
    expect(sourceOfDependency()).toBe("factory.yaml");
    expect(sourceOfOwner()).toBe("factory.yaml");
    expect(floorplan.health().undeclaredLines).toEqual([]);
    expect((await floorplan.applyPlan(plan)).changes).toBe(0);

    const reimported = await floorplan.applyPlan(plan, { source: "workspaces", mode: "merge" });
    expect(reimported.changes).toBe(0);
    expect(floorplan.line("web")?.provenance.source).toBe("factory.yaml");
    expect(sourceOfDependency()).toBe("factory.yaml");
  });

  it("adopts only what a call names: editing one line leaves the others as imported", async () => {
    await floorplan.applyPlan(plan, { source: "workspaces", mode: "merge" });

    await floorplan.addDependency("web", { line: "api", kind: "data", criticality: "high" });

    expect(sourceOfDependency()).toBe("factory.yaml");
    expect(floorplan.line("api")?.provenance.source).toBe("workspaces");
    expect(floorplan.health().undeclaredLines.map(({ line }) => line)).toContain("api");
  });

  it("declares nothing when a line is retired: the lines left stay as imported", async () => {
    await floorplan.applyPlan(
      { ...plan, lines: [...(plan.lines ?? []), { id: "old", owner: "bo" }] },
      { source: "workspaces", mode: "merge" },
    );

    await floorplan.retireLine("old");

    expect(floorplan.line("web")?.provenance.source).toBe("workspaces");
    expect(sourceOfOwner()).toBe("workspaces");
    expect(sourceOfDependency()).toBe("workspaces");
  });
});
