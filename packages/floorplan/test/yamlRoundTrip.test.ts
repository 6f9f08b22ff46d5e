import { mkdtempSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import {
  defineRelation,
  type FloorPlan,
  floorPlanEvents,
  loadFactoryYaml,
  openFloorPlan,
  saveFactoryYaml,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-roundtrip-"));
  dirs.push(dir);
  return dir;
}

const supersedes = defineRelation({
  name: "supersedes",
  inverse: "supersededBy",
  from: ["line"],
  to: ["line"],
  attributes: z.strictObject({ since: z.string() }),
});

/** Builds a floor plan one API call at a time, each call appending its own events. */
async function buildThroughApi(floorplan: FloorPlan): Promise<void> {
  await floorplan.applyPlan({ product: { id: "shop", name: "Shop" } }, { mode: "merge" });
  await floorplan.declareOperator({
    id: "alice",
    name: "Alice",
    email: "alice@acme.com",
    roles: ["line"],
    handles: { github: "@alice" },
    capacity: { lines: 3, wip: 6 },
  });
  await floorplan.declareOperator({ id: "bob", name: "Bob", roles: ["line", "factory"] });
  await floorplan.declareDomain({ id: "commerce", name: "Commerce", description: "Money in" });
  await floorplan.declareDomain({ id: "content", name: "Content" });
  await floorplan.declareLine({
    id: "payments",
    domain: "commerce",
    owner: "alice",
    paths: ["/packages/payments/"],
    tags: ["pci"],
    wipLimit: 2,
    knowledge: ["doc:pci-scope"],
  });
  await floorplan.declareLine({
    id: "checkout",
    name: "Checkout",
    domain: "commerce",
    description: "Cart to order",
    owner: "bob",
    paths: ["/packages/checkout/", "**/*.checkout.ts"],
  });
  await floorplan.declareLine({ id: "docs", domain: "content", owner: "bob", paths: ["/docs/"] });
  await floorplan.addDependency("checkout", {
    line: "payments",
    kind: "api",
    criticality: "high",
    contract: "POST /payments",
  });
  await floorplan.addDependency("docs", { line: "checkout" });
  await floorplan.addContributor("checkout", { operator: "alice", role: "backup" });
  await floorplan.addRelation("supersedes", "line:checkout", "line:docs", { since: "2026-01" });
}

async function open(path: string): Promise<{ floorplan: FloorPlan; close: () => Promise<void> }> {
  const log = await openEventLog({ path, events: floorPlanEvents });
  const floorplan = await openFloorPlan({ log, relations: [supersedes] });
  return {
    floorplan,
    close: async () => {
      await floorplan.close();
      await log.close();
    },
  };
}

describe("factory.yaml exported from an event-backed floor plan and imported back", () => {
  it("re-imports as zero new events, and a fresh log folds the same plan from it", async () => {
    const dir = tempDir();
    const { floorplan, close } = await open(join(dir, "factory.db"));
    await buildThroughApi(floorplan);
    const yamlPath = join(dir, "factory.yaml");
    await saveFactoryYaml(yamlPath, floorplan.toPlan());

    const before = floorplan.position;
    const again = await floorplan.applyPlan(
      await loadFactoryYaml(yamlPath, { relations: floorplan.relations }),
    );
    expect(again.events).toEqual([]);
    expect(again.changes).toBe(0);
    expect(await floorplan.refresh()).toBe(before);

    const copy = await open(join(dir, "copy.db"));
    await copy.floorplan.applyPlan(await loadFactoryYaml(yamlPath, { relations: copy.floorplan.relations }));
    expect(copy.floorplan.toPlan()).toEqual(floorplan.toPlan());
    await copy.close();
    await close();
  });

  it("re-imports an owner changed in the YAML text as exactly the events of that change", async () => {
    const dir = tempDir();
    const { floorplan, close } = await open(join(dir, "factory.db"));
    await buildThroughApi(floorplan);
    const yamlPath = join(dir, "factory.yaml");
    await saveFactoryYaml(yamlPath, floorplan.toPlan());
    const text = await readFile(yamlPath, "utf8");
    expect(text.match(/owner: alice/g)).toHaveLength(1);
    await writeFile(yamlPath, text.replace("owner: alice", "owner: bob"));

    const changed = await floorplan.applyPlan(
      await loadFactoryYaml(yamlPath, { relations: floorplan.relations }),
    );
    expect(changed.changes).toBe(1);
    expect(changed.events.map((event) => [event.type, event.subject, event.data])).toEqual([
      [
        "floorplan.owner.assigned",
        "payments",
        { line: "payments", operator: "bob", provenance: { source: "factory.yaml" } },
      ],
      ["floorplan.plan.applied", "floorplan", { source: "factory.yaml", changes: 1 }],
    ]);
    expect(floorplan.ownerOf("payments")).toBe("bob");
    expect(floorplan.linesOf("alice")).toEqual([]);
    expect(floorplan.linesOf("alice", { contributions: true })).toEqual(["checkout"]);

    const third = await floorplan.applyPlan(
      await loadFactoryYaml(yamlPath, { relations: floorplan.relations }),
    );
    expect(third.events).toEqual([]);
    await saveFactoryYaml(yamlPath, floorplan.toPlan());
    expect(await readFile(yamlPath, "utf8")).toBe(text.replace("owner: alice", "owner: bob"));
    await close();
  });
});
