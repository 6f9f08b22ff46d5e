import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClosedError, openEventLog } from "@software-factory/core";
import {
  type FloorPlan,
  floorPlanEvents,
  makeFloorPlanShape,
  openFloorPlan,
} from "@software-factory/floorplan";
import * as Effect from "effect/Effect";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A floor plan of the shop over a real SQLite log, closed; the log stays open. */
async function closedShop(options: { readonly cache?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "factory-floorplan-closed-"));
  dirs.push(dir);
  const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
  const plan = await openFloorPlan({ log, ...(options.cache ? { cacheDir: join(dir, "cache") } : {}) });
  await plan.applyPlan(shopPlan());
  expect(plan.ownerOf("checkout")).toBe("alice");
  await plan.close();
  return { log, plan };
}

/** Every public query of a floor plan, called once. */
const queries: Record<string, (plan: FloorPlan) => unknown> = {
  lines: (plan) => plan.lines(),
  line: (plan) => plan.line("checkout"),
  hasLine: (plan) => plan.hasLine("checkout"),
  hasOperator: (plan) => plan.hasOperator("alice"),
  ownerOf: (plan) => plan.ownerOf("checkout"),
  wipLimitOf: (plan) => plan.wipLimitOf("payments"),
  lineForPath: (plan) => plan.lineForPath("packages/checkout/src/pay.ts"),
  explainPath: (plan) => plan.explainPath("packages/checkout/src/pay.ts"),
  linesForPaths: (plan) => plan.linesForPaths(["packages/checkout/src/pay.ts"]),
  linesOf: (plan) => plan.linesOf("alice"),
  dependencyList: (plan) => plan.dependencyList(),
  dependencies: (plan) => plan.dependencies("checkout"),
  dependents: (plan) => plan.dependents("payments"),
  impact: (plan) => plan.impact({ lines: ["payments"] }),
  health: (plan) => plan.health(),
  cycles: (plan) => plan.cycles(),
  toPlan: (plan) => plan.toPlan(),
  relationsOf: (plan) => plan.relationsOf("dependsOn"),
};

describe("a floor plan after close", () => {
  it("refuses every query with ClosedError instead of answering from memory", async () => {
    const { log, plan } = await closedShop();
    for (const [name, query] of Object.entries(queries)) {
      let thrown: unknown;
      try {
        query(plan);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, name).toBeInstanceOf(ClosedError);
      expect(thrown, name).toMatchObject({ code: "E_CLOSED", message: "the floor plan is closed" });
    }
    await log.close();
  });

  it("refuses changes and refresh with ClosedError and writes nothing", async () => {
    const { log, plan } = await closedShop({ cache: true });
    const head = await log.head();
    const changes = [
      plan.refresh(),
      plan.applyPlan(shopPlan()),
      plan.declareOperator({ id: "erin" }),
      plan.assignOwner("checkout", "bob"),
      plan.addDependency("web", { line: "payments" }),
      plan.retireLine("web"),
    ];
    for (const result of await Promise.allSettled(changes)) {
      expect(result.status).toBe("rejected");
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ClosedError);
    }
    expect(await log.head()).toBe(head);
    await log.close();
  });

  it("fails the Effect face's queries with ClosedError in the error channel", async () => {
    const { log, plan } = await closedShop();
    const shape = makeFloorPlanShape(plan);
    const failures: Effect.Effect<unknown, unknown>[] = [
      Effect.flip(shape.explainPath("packages/checkout/src/pay.ts")),
      Effect.flip(shape.health()),
      Effect.flip(shape.impact({ lines: ["payments"] })),
    ];
    for (const failure of failures) expect(await Effect.runPromise(failure)).toBeInstanceOf(ClosedError);
    await log.close();
  });
});
