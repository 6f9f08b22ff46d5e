import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type EventLog, openEventLog, type StoredEvent } from "@software-factory/core";
import {
  edgeKey,
  type FloorPlan,
  floorPlanEvents,
  importCodeowners,
  loadFactoryYaml,
  openFloorPlan,
  type Provenance,
} from "@software-factory/floorplan";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a repository into a fresh folder and returns its root. */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "factory-provenance-"));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const FACTORY_YAML = `version: 1
operators:
  - { id: alice, handles: { github: "@alice" } }
  - { id: bob, handles: { github: "@bob" } }
lines:
  - id: checkout
    owner: alice
    paths: [/packages/checkout/]
    dependsOn:
      - { line: payments, kind: api, criticality: high }
  - id: payments
    owner: bob
    paths: [/packages/payments/]
`;

const CODEOWNERS = `# Owners of what factory.yaml does not cover
/docs/ @carol

/infra/ @bob @alice
`;

/** The provenance of an edge, read through the graph the floor plan exposes. */
function edgeProvenance(floorplan: FloorPlan, relation: string, source: string, target: string): Provenance {
  return floorplan.graph.graph.getEdgeAttributes(edgeKey(relation, source, target)).provenance;
}

/** The time of the one event of a batch that matches. */
function atOf(events: readonly StoredEvent[], type: string, subject: string): string {
  const matching = events.filter((event) => event.type === type && event.subject === subject);
  expect(matching).toHaveLength(1);
  return matching[0]?.at ?? "";
}

async function openShop(): Promise<{ root: string; log: EventLog; floorplan: FloorPlan }> {
  const root = repo({ "factory.yaml": FACTORY_YAML, ".github/CODEOWNERS": CODEOWNERS });
  const log = await openEventLog({ path: join(root, "factory.db"), events: floorPlanEvents });
  const floorplan = await openFloorPlan({ log });
  return { root, log, floorplan };
}

describe("provenance and lastSeen of edges", () => {
  it("records factory.yaml and the time of the declaring event on dependsOn and owns edges", async () => {
    const { root, log, floorplan } = await openShop();
    const applied = await floorplan.applyPlan(await loadFactoryYaml(join(root, "factory.yaml")));

    expect(edgeProvenance(floorplan, "dependsOn", "line:checkout", "line:payments")).toEqual({
      source: "factory.yaml",
      lastSeen: atOf(applied.events, "floorplan.dependency.declared", "checkout"),
    });
    expect(edgeProvenance(floorplan, "owns", "operator:alice", "line:checkout")).toEqual({
      source: "factory.yaml",
      lastSeen: atOf(applied.events, "floorplan.owner.assigned", "checkout"),
    });
    await floorplan.close();
    await log.close();
  });

  it("records codeowners with the rule's file and line on owns edges, and leaves factory.yaml edges as they were", async () => {
    const { root, log, floorplan } = await openShop();
    const declared = await floorplan.applyPlan(await loadFactoryYaml(join(root, "factory.yaml")));
    const before = edgeProvenance(floorplan, "owns", "operator:alice", "line:checkout");
    const found = await importCodeowners(root, { operators: floorplan.toPlan().operators });
    expect(found?.plan.lines.map((line) => [line.id, line.owner])).toEqual([
      ["docs", "carol"],
      ["infra", "bob"],
    ]);
    const imported = await floorplan.applyPlan(found?.plan ?? {}, {
      mode: "merge",
      source: "codeowners",
      ...(found === undefined ? {} : { refs: found.refs }),
    });

    expect(edgeProvenance(floorplan, "owns", "operator:carol", "line:docs")).toEqual({
      source: "codeowners",
      ref: ".github/CODEOWNERS:2",
      lastSeen: atOf(imported.events, "floorplan.owner.assigned", "docs"),
    });
    expect(edgeProvenance(floorplan, "owns", "operator:bob", "line:infra")).toMatchObject({
      source: "codeowners",
      ref: ".github/CODEOWNERS:4",
    });
    expect(floorplan.line("infra")?.provenance).toMatchObject({
      source: "codeowners",
      ref: ".github/CODEOWNERS:4",
    });
    expect(edgeProvenance(floorplan, "contributes", "operator:alice", "line:infra").source).toBe(
      "codeowners",
    );
    expect(edgeProvenance(floorplan, "owns", "operator:alice", "line:checkout")).toEqual(before);
    expect(before.lastSeen).toBe(atOf(declared.events, "floorplan.owner.assigned", "checkout"));
    await floorplan.close();
    await log.close();
  });

  it("tells inferred dependencies from declared ones, and a changed edge is seen again at its new event", async () => {
    const { root, log, floorplan } = await openShop();
    await floorplan.applyPlan(await loadFactoryYaml(join(root, "factory.yaml")));
    const inferred = await floorplan.addDependency(
      "payments",
      { line: "checkout", kind: "event", criticality: "low" },
      { source: "inferred" },
    );

    const bySource = new Map<string, string[]>();
    floorplan.graph.graph.forEachEdge((_edge, attributes, source, target) => {
      if (attributes.relation !== "dependsOn") return;
      const list = bySource.get(attributes.provenance.source) ?? [];
      list.push(`${source} -> ${target}`);
      bySource.set(attributes.provenance.source, list);
    });
    expect(Object.fromEntries(bySource)).toEqual({
      "factory.yaml": ["line:checkout -> line:payments"],
      inferred: ["line:payments -> line:checkout"],
    });
    expect(edgeProvenance(floorplan, "dependsOn", "line:payments", "line:checkout").lastSeen).toBe(
      atOf(inferred.events, "floorplan.dependency.declared", "payments"),
    );

    const changed = await floorplan.addDependency("checkout", {
      line: "payments",
      kind: "api",
      criticality: "medium",
    });
    expect(changed.events.map((event) => event.type)).toEqual([
      "floorplan.dependency.declared",
      "floorplan.plan.applied",
    ]);
    expect(edgeProvenance(floorplan, "dependsOn", "line:checkout", "line:payments")).toEqual({
      source: "factory.yaml",
      lastSeen: atOf(changed.events, "floorplan.dependency.declared", "checkout"),
    });
    await floorplan.close();
    await log.close();
  });

  it("keeps provenance and lastSeen when another process folds the same log", async () => {
    const { root, log, floorplan } = await openShop();
    await floorplan.applyPlan(await loadFactoryYaml(join(root, "factory.yaml")));
    const readerLog = await openEventLog({ path: join(root, "factory.db"), events: floorPlanEvents });
    const reader = await openFloorPlan({ log: readerLog, live: false });
    expect(edgeProvenance(reader, "dependsOn", "line:checkout", "line:payments")).toEqual(
      edgeProvenance(floorplan, "dependsOn", "line:checkout", "line:payments"),
    );
    await reader.close();
    await readerLog.close();
    await floorplan.close();
    await log.close();
  });
});
