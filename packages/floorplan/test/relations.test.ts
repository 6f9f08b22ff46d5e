import { openEventLog, ValidationError } from "@software-factory/core";
import {
  defineRelation,
  floorPlanEvents,
  type LineDirectory,
  openFloorPlan,
  RelationRegistry,
} from "@software-factory/floorplan";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { shopPlan } from "./fixtures.js";

const supersedes = defineRelation({
  name: "supersedes",
  inverse: "supersededBy",
  from: ["line"],
  to: ["line"],
  attributes: z.strictObject({ since: z.string().regex(/^\d{4}-\d{2}$/) }),
});

describe("relation registry", () => {
  it("lets a factory add its own relation and records its edges as events", async () => {
    const log = await openEventLog({ path: ":memory:", events: floorPlanEvents });
    const plan = await openFloorPlan({ log, relations: [supersedes] });
    await plan.applyPlan(shopPlan());
    await plan.addRelation("supersedes", "line:web", "line:cart", { since: "2026-01" });
    expect(plan.relationsOf("supersedes")).toEqual([
      { from: "line:web", to: "line:cart", attributes: { since: "2026-01" } },
    ]);
    expect(plan.toPlan().relations).toEqual([
      { type: "supersedes", from: "line:web", to: "line:cart", attributes: { since: "2026-01" } },
    ]);
    await expect(
      plan.addRelation("supersedes", "line:web", "operator:bob", { since: "2026-01" }),
    ).rejects.toThrow(/cannot point to a operator/);
    await expect(
      plan.addRelation("supersedes", "line:web", "line:cart", { since: "soon" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(plan.addRelation("replaces", "line:web", "line:cart")).rejects.toThrow(
      /unknown relation "replaces"/,
    );
    await expect(
      plan.addRelation("supersedes", "line:web", "line:ghost", { since: "2026-01" }),
    ).rejects.toThrow(/no line "ghost"/);
    await plan.removeRelation("supersedes", "line:web", "line:cart");
    expect(plan.relationsOf("supersedes")).toEqual([]);
    await plan.close();
    await log.close();
  });

  it("knows the built-in relations with their inverses and refuses a clashing name", () => {
    const registry = new RelationRegistry();
    expect(registry.names()).toEqual(["contributes", "dependsOn", "owns", "partOf"]);
    expect(registry.get("ownedBy")?.name).toBe("owns");
    expect(() =>
      registry.validate("dependsOn", "line", "line", { kind: "api", criticality: "urgent" }),
    ).toThrow(/criticality/);
    expect(() => registry.register(defineRelation({ ...supersedes, name: "owns" }))).toThrow(RangeError);
    expect(() => defineRelation({ ...supersedes, name: "Not camel" })).toThrow(RangeError);
  });

  it("serves the assembly line through the LineDirectory interface", async () => {
    const log = await openEventLog({ path: ":memory:", events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    await plan.applyPlan(shopPlan());
    const directory: LineDirectory = plan;
    expectTypeOf(directory.wipLimitOf).returns.toEqualTypeOf<number | undefined>();
    expect([
      directory.ownerOf("cart"),
      directory.wipLimitOf("catalog"),
      directory.lineForPath("packages/cart/x.ts"),
    ]).toEqual(["bob", 2, "cart"]);
    await plan.close();
    await log.close();
  });
});
