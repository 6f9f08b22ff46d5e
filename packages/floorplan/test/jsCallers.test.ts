/**
 * The floor plan's Promise API as plain JavaScript calls it: every method of
 * a `FloorPlan`, of its `graph` and of an `asOf` view, given an argument of
 * the wrong type (a number, null, an object for an id...), throws a
 * `ValidationError` naming that argument, never a `TypeError` from deep
 * inside, a `NotFoundError` for `line "42"` or an empty answer, and writes
 * nothing. The methods are enumerated at runtime, so one added later without
 * an entry here fails the sweep.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { type FloorPlan, type FloorPlanView, openFloorPlan } from "@software-factory/floorplan";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { methodsOf, outcome, refusalProblem } from "../../core/test/fixtures/jsCallerSweep.js";
import { shopPlan } from "./fixtures.js";

/** How an argument is typed, which decides the wrong values it is given. */
type Kind = "string" | "object" | "object?" | "paths";

/** Wrong values for an argument of each kind. */
const WRONG: Record<Kind, readonly unknown[]> = {
  string: [42, null, undefined, {}, ["checkout"]],
  object: [42, "checkout", null, undefined],
  "object?": [42, "checkout", null],
  paths: [42, null, undefined, {}, "packages/cart/a.ts", [42], [null]],
};

/** One argument of a method: its name (which the error must name), its kind and a valid value. */
interface Param {
  readonly name: string;
  readonly kind: Kind;
  readonly valid: unknown;
}

const id = (name: string, valid = "checkout"): Param => ({ name, kind: "string", valid });
const object = (name: string, valid: unknown): Param => ({ name, kind: "object", valid });

/** The read queries a `FloorPlan`, its graph and a view share, by method name. */
const QUERIES: Record<string, readonly Param[]> = {
  line: [id("id")],
  hasLine: [id("lineId")],
  hasOperator: [id("operatorId", "alice")],
  ownerOf: [id("lineId")],
  wipLimitOf: [id("lineId")],
  linesOf: [id("operatorId", "alice")],
  dependencies: [id("lineId")],
  dependents: [id("lineId")],
  linesForPaths: [{ name: "paths", kind: "paths", valid: ["packages/cart/a.ts"] }],
  lineForPath: [id("path", "packages/cart/a.ts")],
  explainPath: [id("path", "packages/cart/a.ts")],
};

/** Methods of `FloorPlan` itself, by name. */
const PLAN_METHODS: Record<string, readonly Param[]> = {
  ...QUERIES,
  relationsOf: [id("type", "dependsOn")],
  declareLine: [object("line", { id: "search", owner: "bob" })],
  declareOperator: [object("operator", { id: "erin", name: "Erin" })],
  declareDomain: [object("domain", { id: "search", name: "Search" })],
  retireLine: [id("lineId", "search")],
  assignOwner: [id("lineId"), id("operatorId", "bob")],
  addContributor: [id("lineId"), object("contributor", { operator: "carol", role: "reviewer" })],
  removeContributor: [id("lineId"), id("operatorId", "bob")],
  addDependency: [id("fromLine", "web"), object("dependency", { line: "cart", kind: "ui" })],
  removeDependency: [id("fromLine", "web"), id("toLine")],
  addRelation: [
    id("type", "dependsOn"),
    id("from", "line:web"),
    id("to", "line:cart"),
    { name: "attributes", kind: "object?", valid: { kind: "ui", criticality: "low" } },
  ],
  removeRelation: [id("type", "dependsOn"), id("from", "line:web"), id("to", "line:checkout")],
};

/** Methods of the graph (`plan.graph`) beyond the shared queries, by name. */
const GRAPH_METHODS: Record<string, readonly Param[]> = {
  ...Object.fromEntries(Object.entries(QUERIES).filter(([name]) => name !== "hasOperator")),
  operator: [id("id", "alice")],
  contributorsOf: [id("lineId")],
};

/** Methods that take no argument, or only options (checked by their own tests), or an impact change. */
const LEFT_OUT = new Set([
  "refresh",
  "lines",
  "lineIds",
  "domains",
  "operators",
  "product",
  "dependencyList",
  "dependencyIndex",
  "cycles",
  "changed",
  "toPlan",
  "close",
  "impact",
  "health",
  "asOf",
  "applyPlan",
]);

let root: string;
let log: EventLog;
let plan: FloorPlan;
let view: FloorPlanView;

/** Each wrong call of a method: the arguments, the argument it gets wrong and that value as shown. */
function wrongCalls(params: readonly Param[]): { args: unknown[]; wrong: string; shown: string }[] {
  return params.flatMap((param, index) =>
    WRONG[param.kind].map((value) => ({
      args: params.map((each, at) => (at === index ? value : each.valid)),
      wrong: param.name,
      shown: String(JSON.stringify(value)),
    })),
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "floorplan-js-callers-"));
  log = await openEventLog({ path: join(root, "factory.db") });
  plan = await openFloorPlan({ log, live: false });
  await plan.applyPlan(shopPlan());
  view = await plan.asOf(new Date(Date.now() + 60_000));
});

afterAll(async () => {
  await plan?.close();
  await log?.close();
  rmSync(root, { recursive: true, force: true });
});

const targets = {
  plan: { methods: PLAN_METHODS, of: () => plan },
  graph: { methods: GRAPH_METHODS, of: () => plan.graph },
  view: { methods: QUERIES, of: () => view },
} as const;

describe("the floor plan called from JavaScript with wrong-typed arguments", () => {
  for (const [target, { methods, of }] of Object.entries(targets)) {
    it(`has an entry for every method of the ${target}`, () => {
      expect(methodsOf(of()).filter((name) => !(name in methods) && !LEFT_OUT.has(name))).toEqual([]);
    });

    for (const [name, params] of Object.entries(methods)) {
      if (target === "view" && !(name in QUERIES)) continue;
      it(`${target}.${name} refuses each wrong argument with a ValidationError naming it, and writes nothing`, async () => {
        const failures: string[] = [];
        for (const { args, wrong, shown } of wrongCalls(params)) {
          const before = await log.head();
          const self = of() as unknown as Record<string, (...args: unknown[]) => unknown>;
          const error = await outcome(() => self[name]?.(...args));
          const what = `${target}.${name} with ${wrong} = ${shown}`;
          const problem = refusalProblem(error, wrong);
          if (problem !== undefined) failures.push(`${what}: ${problem}`);
          if ((await log.head()) !== before) failures.push(`${what}: something was written`);
        }
        expect(failures).toEqual([]);
      });
    }
  }

  it("answers each query and makes each change given the valid values the sweep starts from", async () => {
    for (const [name, params] of Object.entries(PLAN_METHODS)) {
      const self = plan as unknown as Record<string, (...args: unknown[]) => unknown>;
      await self[name]?.(...params.map((param) => param.valid));
    }
  });
});
