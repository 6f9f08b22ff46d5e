import { buildFloorGraph, impactOf } from "@software-factory/floorplan";
import { describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const webThroughCheckout = {
  line: "web",
  owner: "bob",
  distance: 2,
  criticality: "medium",
  via: [
    { from: "web", to: "checkout", kind: "ui", criticality: "high" },
    { from: "checkout", to: "cart", kind: "api", criticality: "medium" },
  ],
  reason: "web depends on checkout (ui, high), which depends on cart (api, medium), which changed",
};

describe("impact report of affected lines", () => {
  it("writes each affected line to JSON with its chain and sentence as plain fields", () => {
    const floor = buildFloorGraph(shopPlan());
    const report = impactOf(floor, { lines: ["cart"] });
    const written = JSON.parse(JSON.stringify(report)) as { affected: unknown[] };
    expect(written.affected).toEqual([
      {
        line: "checkout",
        owner: "alice",
        distance: 1,
        criticality: "medium",
        via: [{ from: "checkout", to: "cart", kind: "api", criticality: "medium" }],
        reason: "checkout depends on cart (api, medium), which changed",
      },
      webThroughCheckout,
    ]);
    const web = report.affected[1];
    expect(web?.via).toEqual(webThroughCheckout.via);
    expect(web?.via).toBe(web?.via);
    expect(web?.reason).toBe(webThroughCheckout.reason);
  });

  it("keeps an earlier report whole when later queries walk the same graph", () => {
    const floor = buildFloorGraph(shopPlan());
    const first = impactOf(floor, { lines: ["cart"] });
    impactOf(floor, { lines: ["payments", "catalog"] }, { depth: 1 });
    impactOf(floor, { lines: ["web"] });
    expect(floor.dependents("catalog").map((reached) => reached.line)).toEqual(["cart", "checkout", "web"]);
    expect(first.affected.map((entry) => entry.line)).toEqual(["checkout", "web"]);
    expect(JSON.parse(JSON.stringify(first.affected[1]))).toEqual(webThroughCheckout);
    expect(JSON.stringify(first)).toBe(JSON.stringify(impactOf(floor, { lines: ["cart"] })));
  });

  it("shares the steps of a chain between reports without letting a caller change them", () => {
    const floor = buildFloorGraph(shopPlan());
    const step = impactOf(floor, { lines: ["cart"] }).affected[0]?.via[0];
    expect(impactOf(floor, { lines: ["catalog"] }).affected[1]?.via[0]).toBe(step);
    expect(Object.isFrozen(step)).toBe(true);
  });

  it("groups affected lines by owner, with the lines nobody owns apart, and follows a change of owner", () => {
    const plan = shopPlan();
    plan.lines = [
      ...(plan.lines ?? []),
      { id: "mobile", owner: "bob", dependsOn: [{ line: "checkout", kind: "api", criticality: "low" }] },
      { id: "kiosk", dependsOn: ["web"] },
    ];
    const floor = buildFloorGraph(plan);
    expect(impactOf(floor, { lines: ["payments"] }).notify).toEqual([
      { operator: "alice", changed: ["payments"], affected: ["checkout"], criticality: "high" },
      { operator: "bob", changed: [], affected: ["web", "mobile"], criticality: "high" },
      { operator: undefined, changed: [], affected: ["kiosk"], criticality: "medium" },
    ]);
    floor.graph.forEachOutEdge("line:kiosk", (edge, attributes) => {
      if (attributes.relation === "dependsOn") floor.graph.dropEdge(edge);
    });
    floor.graph.addEdgeWithKey("owns:operator:dan->line:checkout", "operator:dan", "line:checkout", {
      relation: "owns",
      attributes: {},
      provenance: { source: "factory.yaml", lastSeen: "2026-01-01T00:00:00.000Z" },
    });
    floor.graph.dropEdge("owns:operator:alice->line:checkout");
    floor.changed();
    expect(impactOf(floor, { lines: ["payments"] }).notify).toEqual([
      { operator: "alice", changed: ["payments"], affected: [], criticality: "high" },
      { operator: "bob", changed: [], affected: ["web", "mobile"], criticality: "high" },
      { operator: "dan", changed: [], affected: ["checkout"], criticality: "high" },
    ]);
  });
});
