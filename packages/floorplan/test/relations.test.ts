import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LineDirectory, openEventLog, ValidationError } from "@software-factory/core";
import {
  defineRelation,
  type FloorLineDirectory,
  floorPlanEvents,
  loadFactoryYaml,
  openFloorPlan,
  planOf,
  planToYaml,
  RelationRegistry,
  safeLoadFactoryYaml,
  validatePlan,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
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
    expect(() => registry.register(defineRelation({ ...supersedes, name: "owns" }))).toThrow(ValidationError);
    expect(() => defineRelation({ ...supersedes, name: "Not camel" })).toThrow(ValidationError);
  });

  it("serves the assembly line through the FloorLineDirectory interface", async () => {
    const log = await openEventLog({ path: ":memory:", events: floorPlanEvents });
    const plan = await openFloorPlan({ log });
    await plan.applyPlan(shopPlan());
    const directory: FloorLineDirectory = plan;
    // The floor plan is what an assembly line takes as its lines (core's LineDirectory).
    const forAssembly: LineDirectory = plan;
    expect(forAssembly.hasLine?.("cart")).toBe(true);
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

describe("factory.yaml with a relation of your own", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the shop plan with a `supersedes` edge to factory.yaml in a fresh folder. */
  function factoryYamlWithSupersedes(): string {
    const dir = mkdtempSync(join(tmpdir(), "factory-relations-"));
    dirs.push(dir);
    const path = join(dir, "factory.yaml");
    const yaml = planToYaml(
      planOf({
        ...shopPlan(),
        relations: [
          { type: "supersedes", from: "line:web", to: "line:cart", attributes: { since: "2026-01" } },
        ],
      }),
    );
    writeFileSync(path, yaml);
    return path;
  }

  it("loads with the list of definitions openFloorPlan takes, and applies to a floor plan opened with it", async () => {
    const path = factoryYamlWithSupersedes();
    const plan = await loadFactoryYaml(path, { relations: [supersedes] });
    const log = await openEventLog({ path: ":memory:", events: floorPlanEvents });
    const floorplan = await openFloorPlan({ log, relations: [supersedes] });
    await floorplan.applyPlan(plan);
    expect(floorplan.relationsOf("supersedes")).toEqual([
      { from: "line:web", to: "line:cart", attributes: { since: "2026-01" } },
    ]);
    await floorplan.close();
    await log.close();
  });

  it("still takes a registry, and refuses the relation with the built-ins only, naming the file and line", async () => {
    const path = factoryYamlWithSupersedes();
    const viaRegistry = await safeLoadFactoryYaml(path, { relations: new RelationRegistry([supersedes]) });
    expect(viaRegistry.success).toBe(true);
    const builtIns = await safeLoadFactoryYaml(path);
    expect(builtIns.success).toBe(false);
    if (builtIns.success) return;
    expect(builtIns.problems).toEqual([
      expect.objectContaining({
        file: path,
        line: expect.any(Number),
        message: expect.stringContaining("supersedes"),
      }),
    ]);
  });

  it("validates a plan against a list of definitions as well", () => {
    const plan = {
      ...shopPlan(),
      relations: [{ type: "supersedes", from: "line:web", to: "line:cart", attributes: { since: "soon" } }],
    };
    const problems = validatePlan(planOf(plan), { relations: [supersedes] });
    expect(problems).toEqual([
      expect.objectContaining({ code: "bad-relation", message: expect.stringContaining("since") }),
    ]);
    expect(validatePlan(planOf(plan))[0]?.message).toContain('unknown relation "supersedes"');
  });
});
