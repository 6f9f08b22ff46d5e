/**
 * The floor plan's exported functions that read a file or a floor graph, as
 * plain JavaScript calls them: given an argument of the wrong type (a number
 * or null for a path, a plan for a graph), each throws a `ValidationError`
 * naming that argument, never a `TypeError` from Node or from deep inside.
 * The exports are enumerated at runtime, so a function added later needs an
 * entry here or a place in the list left out, with its reason.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as floorplan from "@software-factory/floorplan";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SweptArgument, sweepFunctions } from "../../core/test/fixtures/jsCallerSweep.js";
import { shopPlan } from "./fixtures.js";

/** How an argument is typed, which decides the wrong values it is given. */
type Kind = "path" | "graph" | "text" | "list" | "object" | "nodeKind" | "criticality" | "floorPlan";

/** Wrong values for an argument of each kind. */
const WRONG: Record<Kind, readonly unknown[]> = {
  path: [42, null, undefined, {}, ["factory.yaml"]],
  graph: [42, "graph", null, undefined, {}, shopPlan()],
  text: [42, null, undefined, {}, ["text"]],
  list: [42, "list", null, undefined, {}],
  object: [42, "object", null, undefined, ["object"]],
  nodeKind: [42, null, undefined, "lane"],
  criticality: [42, null, undefined, "urgent"],
  floorPlan: [42, "floor plan", null, undefined, {}, shopPlan()],
};

let root: string;

/** The argument each function is swept on, with its name (which the error must name) and kind. */
const FUNCTIONS: Record<string, SweptArgument<Kind>> = {
  readSourceText: { name: "path", kind: "path" },
  safeReadSourceText: { name: "path", kind: "path" },
  loadFactoryYaml: { name: "path", kind: "path" },
  safeLoadFactoryYaml: { name: "path", kind: "path" },
  findCodeowners: { name: "repoRoot", kind: "path" },
  importCodeowners: { name: "repoRoot", kind: "path" },
  importWorkspaces: { name: "root", kind: "path" },
  toPlan: { name: "floor", kind: "graph" },
  healthOf: { name: "floor", kind: "graph" },
  toMermaid: { name: "floor", kind: "graph" },
  toDot: { name: "floor", kind: "graph" },
  toGraphologyJson: { name: "floor", kind: "graph" },
  saveFactoryYaml: { name: "path", kind: "path" },
  slugify: { name: "name", kind: "text" },
  parseCodeowners: { name: "text", kind: "text" },
  importBackstage: { name: "text", kind: "text" },
  edgeKey: { name: "relation", kind: "text" },
  nodeKey: { name: "kind", kind: "nodeKind" },
  criticalityRank: { name: "criticality", kind: "criticality" },
  codeownersToPlan: { name: "rules", kind: "list" },
  formatProblems: { name: "problems", kind: "list" },
  formatCycle: { name: "cycle", kind: "list" },
  diffPlans: { name: "before", kind: "object" },
  mergePlans: { name: "base", kind: "object" },
  planChanges: { name: "current", kind: "object" },
  validatePlan: { name: "plan", kind: "object" },
  samePathLines: { name: "current", kind: "object" },
  defineRelation: { name: "definition", kind: "object" },
  makeFloorPlanShape: { name: "floorPlan", kind: "floorPlan" },
};

/** Exports not swept here: they check their input already. */
const LEFT_OUT = new Set([
  // Parse or validate what they are given, reporting a wrong type as a problem or a ValidationError.
  "parseFactoryYaml",
  "safeParseFactoryYaml",
  "planOf",
  "buildFloorGraph",
  "openFloorPlan",
  "impactOf",
  "emptyPlan",
  "planToYaml",
]);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "floorplan-js-functions-"));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("the floor plan's functions called from JavaScript with wrong-typed arguments", () => {
  sweepFunctions(floorplan, FUNCTIONS, WRONG, LEFT_OUT);

  it("answers each given an argument of the right type", async () => {
    const graph = floorplan.buildFloorGraph(floorplan.planOf(shopPlan()));
    expect(floorplan.toPlan(graph).lines).toHaveLength(5);
    expect(floorplan.toMermaid(graph)).toContain("checkout");
    expect(floorplan.findCodeowners(root)).toBeUndefined();
    await expect(floorplan.loadFactoryYaml(join(root, "none.yaml"))).rejects.toThrow(/no file/);
  });
});
