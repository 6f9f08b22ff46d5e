import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService, NotFoundError, openEventLog, ValidationError } from "@software-factory/core";
import {
  type FloorPlan,
  FloorPlanService,
  floorPlanEvents,
  openFloorPlan,
} from "@software-factory/floorplan";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "floorplan-single-edit-"));
  dirs.push(dir);
  return dir;
}

/** The error a call failed with, or a failure of the test when it did not fail. */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  return call().then(
    () => expect.fail("the call succeeded"),
    (caught: unknown) => caught,
  );
}

/** Runs `check` on a shop floor plan in a real SQLite log, and checks that the calls it made appended nothing. */
async function withShop(check: (plan: FloorPlan) => Promise<void>): Promise<void> {
  const log = await openEventLog({ path: join(tempDir(), "factory.db"), events: floorPlanEvents });
  const plan = await openFloorPlan({ log });
  await plan.applyPlan(shopPlan());
  const head = await log.head();
  await check(plan);
  expect(await log.head()).toBe(head);
  await plan.close();
  await log.close();
}

describe("a single floor-plan edit naming an unknown line or operator", () => {
  it("is a NotFoundError at the argument that named it, with the ids near it, for every edit", async () => {
    await withShop(async (plan) => {
      const cases: [string, () => Promise<unknown>, { entity: string; id: string; field: string }][] = [
        [
          "assignOwner",
          () => plan.assignOwner("web", "carl"),
          { entity: "operator", id: "carl", field: "operatorId" },
        ],
        ["assignOwner", () => plan.assignOwner("wb", "carol"), { entity: "line", id: "wb", field: "lineId" }],
        [
          "addContributor",
          () => plan.addContributor("web", { operator: "dann", role: "reviewer" }),
          { entity: "operator", id: "dann", field: "contributor.operator" },
        ],
        [
          "removeContributor",
          () => plan.removeContributor("checkout", "bobb"),
          { entity: "operator", id: "bobb", field: "operatorId" },
        ],
        [
          "addDependency",
          () => plan.addDependency("web", { line: "cat" }),
          { entity: "line", id: "cat", field: "dependency.line" },
        ],
        [
          "addDependency",
          () => plan.addDependency("wb", { line: "cart" }),
          { entity: "line", id: "wb", field: "fromLine" },
        ],
        [
          "removeDependency",
          () => plan.removeDependency("checkout", "payment"),
          { entity: "line", id: "payment", field: "toLine" },
        ],
        ["retireLine", () => plan.retireLine("webb"), { entity: "line", id: "webb", field: "lineId" }],
      ];
      for (const [call, run, expected] of cases) {
        const error = await failure(run);
        expect(error, call).toBeInstanceOf(NotFoundError);
        expect(error, call).toMatchObject({ code: "E_NOT_FOUND", ...expected });
        expect((error as NotFoundError).message, call).toContain(
          `${call}: ${expected.field} names an unknown ${expected.entity} "${expected.id}"`,
        );
        expect((error as NotFoundError).message, call).toMatch(/did you mean "/);
      }
    });
  });

  it("names what exists when no id is near, and removing what is not there from a known line does nothing", async () => {
    await withShop(async (plan) => {
      const error = await failure(() => plan.assignOwner("web", "zed"));
      expect(error).toMatchObject({ field: "operatorId", id: "zed" });
      expect((error as NotFoundError).message).toBe(
        'assignOwner: operatorId names an unknown operator "zed"; declare it in the floor plan first',
      );
      expect((await plan.removeDependency("web", "cart")).changes).toBe(0);
      expect((await plan.removeContributor("web", "carol")).changes).toBe(0);
    });
  });

  it("reports another problem of the value it brings at the argument, not at the line's place in the plan", async () => {
    await withShop(async (plan) => {
      const self = await failure(() => plan.addDependency("web", { line: "web" }));
      expect(self).toBeInstanceOf(ValidationError);
      expect((self as ValidationError).issues).toMatchObject([
        { code: "self-dependency", path: "dependency" },
      ]);
      expect((self as ValidationError).message).toMatch(/^floor plan is invalid: dependency: /);
    });
  });

  it("reports the problems of a declared entry under the argument, not at its place in the merged plan", async () => {
    await withShop(async (plan) => {
      const unknown = await failure(() => plan.declareLine({ id: "new", owner: "zed", dependsOn: ["nope"] }));
      expect(unknown).toBeInstanceOf(ValidationError);
      expect((unknown as ValidationError).issues.map((issue) => issue.path)).toEqual([
        "line.owner",
        "line.dependsOn[0]",
      ]);
      const replaced = await failure(() => plan.declareLine({ id: "web", owner: "zed" }));
      expect((replaced as ValidationError).issues.map((issue) => issue.path)).toEqual(["line.owner"]);
      const malformed = await failure(() => plan.declareLine({ id: "new", owner: "bob", wipLimit: -1 }));
      expect(malformed).toBeInstanceOf(ValidationError);
      expect((malformed as ValidationError).issues.map((issue) => issue.path)).toEqual(["line.wipLimit"]);
      expect((malformed as ValidationError).message).toMatch(/^declareLine is invalid: line\.wipLimit: /);
      const operator = await failure(() => plan.declareOperator({ id: "Not An Id" }));
      expect((operator as ValidationError).issues.map((issue) => issue.path)).toEqual(["operator.id"]);
    });
  });

  it("fails the same way through the Effect face", async () => {
    const dir = tempDir();
    const layer = FloorPlanService.layer({ live: false }).pipe(
      Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
    );
    const errors = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          const plan = yield* FloorPlanService;
          yield* plan.applyPlan(shopPlan());
          return [
            yield* Effect.flip(plan.assignOwner("web", "carl")),
            yield* Effect.flip(plan.addDependency("web", { line: "cat" })),
            yield* Effect.flip(plan.addDependency("web", { line: "web" })),
          ];
        }),
        layer,
      ),
    );
    expect(errors.map((error) => error._tag)).toEqual(["NotFoundError", "NotFoundError", "ValidationError"]);
    expect(errors[0]).toMatchObject({ entity: "operator", id: "carl", field: "operatorId" });
    expect(errors[1]).toMatchObject({ entity: "line", id: "cat", field: "dependency.line" });
    expect((errors[2] as ValidationError).issues.map((issue) => issue.path)).toEqual(["dependency"]);
  });
});
