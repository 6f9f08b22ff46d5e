import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService } from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "floorplan-effect-changes-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function layer() {
  return FloorPlanService.layer({ live: false }).pipe(
    Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
  );
}

function run<A, E>(program: Effect.Effect<A, E, FloorPlanService>): Promise<A> {
  return Effect.runPromise(Effect.provide(program, layer()));
}

describe("FloorPlanService changes and queries", () => {
  it("declares, assigns and links lines one change at a time, and answers who owns and depends on what", async () => {
    const answers = await run(
      Effect.gen(function* () {
        const plan = yield* FloorPlanService;
        yield* plan.declareOperator({ id: "ana" });
        yield* plan.declareOperator({ id: "bo" });
        yield* plan.declareLine({ id: "payments", owner: "ana", paths: ["/src/payments/"] });
        yield* plan.declareLine({ id: "checkout", owner: "ana", paths: ["/src/checkout/"] });
        yield* plan.addDependency("checkout", { line: "payments" });
        const assigned = yield* plan.assignOwner("checkout", "bo");
        return {
          changes: assigned.changes,
          owner: yield* plan.ownerOf("checkout"),
          lineOfPath: yield* plan.lineForPath("src/payments/refund.ts"),
          linesOfBo: yield* plan.linesOf("bo"),
          dependents: (yield* plan.dependents("payments")).map((reached) => reached.line),
          dependencies: (yield* plan.dependencies("checkout")).map((reached) => reached.line),
          lines: (yield* plan.lines).map((line) => line.id),
          line: (yield* plan.line("payments"))?.owner,
          dependencyList: (yield* plan.dependencyList).length,
          cycles: yield* plan.cycles,
          planLines: (yield* plan.toPlan).lines.length,
        };
      }),
    );

    expect(answers).toEqual({
      changes: 1,
      owner: "bo",
      lineOfPath: "payments",
      linesOfBo: ["checkout"],
      dependents: ["checkout"],
      dependencies: ["payments"],
      lines: ["payments", "checkout"],
      line: "ana",
      dependencyList: 1,
      cycles: [],
      planLines: 2,
    });
    const reopened = await run(
      Effect.gen(function* () {
        const plan = yield* FloorPlanService;
        yield* plan.removeDependency("checkout", "payments");
        yield* plan.retireLine("payments");
        return { lines: (yield* plan.lines).map((line) => line.id), owner: yield* plan.ownerOf("checkout") };
      }),
    );
    expect(reopened).toEqual({ lines: ["checkout"], owner: "bo" });
  });

  it("fails a change or a lookup naming an unknown line or operator with its typed error, not a defect", async () => {
    const failures = await run(
      Effect.gen(function* () {
        const plan = yield* FloorPlanService;
        yield* plan.declareOperator({ id: "ana" });
        yield* plan.declareLine({ id: "checkout", owner: "ana" });
        const errors = [
          yield* Effect.flip(plan.assignOwner("nope", "ana")),
          yield* Effect.flip(plan.addDependency("checkout", { line: "checkout" })),
          yield* Effect.flip(plan.dependents("nope")),
          yield* Effect.flip(plan.linesOf("nobody")),
        ];
        return errors.map((error) => [error._tag, error.message]);
      }),
    );

    expect(failures).toEqual([
      ["NotFoundError", expect.stringContaining('"nope"')],
      ["ValidationError", expect.stringContaining("checkout")],
      ["NotFoundError", expect.stringContaining('"nope"')],
      ["NotFoundError", expect.stringContaining('"nobody"')],
    ]);
  });

  it("fails with a ClosedError once the layer's scope has closed", async () => {
    const shape = await run(FloorPlanService);
    const afterClose = await Effect.runPromise(
      Effect.all([Effect.flip(shape.lines), Effect.flip(shape.declareOperator({ id: "ana" }))]),
    );
    expect(afterClose.map((error) => error._tag)).toEqual(["ClosedError", "ClosedError"]);
  });
});
