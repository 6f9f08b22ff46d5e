import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssemblyLineService, EventLogService } from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const plan = {
  operators: [{ id: "ana" }, { id: "bo" }],
  lines: [
    { id: "payments", owner: "ana", paths: ["/src/payments/"], wipLimit: 2 },
    { id: "checkout", owner: "bo", paths: ["/src/checkout/"], dependsOn: ["payments"] },
  ],
};

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "floorplan-lookups-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const logLayer = () => EventLogService.layer({ path: join(dir, "factory.db") });

describe("FloorPlanService lookups", () => {
  it("answers hasLine, hasOperator, wipLimitOf, linesForPaths and relationsOf as the Promise face does", async () => {
    const program = Effect.gen(function* () {
      const floorplan = yield* FloorPlanService;
      yield* floorplan.applyPlan(plan);
      const grouped = yield* floorplan.linesForPaths([
        "src/checkout/cart.ts",
        "README.md",
        "src/payments/pay.ts",
      ]);
      return {
        hasLine: [yield* floorplan.hasLine("payments"), yield* floorplan.hasLine("ghost")],
        hasOperator: [yield* floorplan.hasOperator("bo"), yield* floorplan.hasOperator("cy")],
        wipLimitOf: [yield* floorplan.wipLimitOf("payments"), yield* floorplan.wipLimitOf("checkout")],
        byLine: Object.fromEntries(grouped.byLine),
        unclaimed: grouped.unclaimed,
        dependsOn: (yield* floorplan.relationsOf("dependsOn")).map((edge) => `${edge.from} -> ${edge.to}`),
      };
    });

    const answers = await Effect.runPromise(
      Effect.provide(program, FloorPlanService.layer().pipe(Layer.provide(logLayer()))),
    );

    expect(answers).toEqual({
      hasLine: [true, false],
      hasOperator: [true, false],
      wipLimitOf: [2, undefined],
      byLine: { checkout: ["src/checkout/cart.ts"], payments: ["src/payments/pay.ts"] },
      unclaimed: ["README.md"],
      dependsOn: ["line:checkout -> line:payments"],
    });
  });

  it("fails with ValidationError naming a refused path, and with ClosedError once closed, in the error channel", async () => {
    const program = Effect.gen(function* () {
      const floorplan = yield* FloorPlanService;
      const refused = yield* Effect.flip(floorplan.linesForPaths(["src/a.ts", "../outside.ts"]));
      yield* Effect.promise(() => floorplan.floorPlan.close());
      const closed = yield* Effect.flip(floorplan.hasLine("payments"));
      return { refused: [refused._tag, refused.message], closed: closed._tag };
    });

    const errors = await Effect.runPromise(
      Effect.provide(program, FloorPlanService.layer().pipe(Layer.provide(logLayer()))),
    );

    expect(errors.refused[0]).toBe("ValidationError");
    expect(errors.refused[1]).toContain("paths[1]");
    expect(errors.closed).toBe("ClosedError");
  });

  it("has AssemblyLineService.layer check lines against the FloorPlanService it is given", async () => {
    const program = Effect.gen(function* () {
      yield* (yield* FloorPlanService).applyPlan(plan);
      const work = yield* AssemblyLineService;
      const item = yield* work.createWorkItem({ line: "checkout", title: "Pay by link" });
      const refused = yield* Effect.flip(work.createWorkItem({ line: "ghost", title: "Haunt" }));
      return { owner: item.owner, refused: refused._tag };
    });
    const layer = AssemblyLineService.layer().pipe(
      Layer.provideMerge(FloorPlanService.layer()),
      Layer.provideMerge(logLayer()),
    );

    expect(await Effect.runPromise(Effect.provide(program, layer))).toEqual({
      owner: "bo",
      refused: "NotFoundError",
    });
  });
});
