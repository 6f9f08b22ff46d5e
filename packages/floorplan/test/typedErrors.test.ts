import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService, NotFoundError, openEventLog, ValidationError } from "@software-factory/core";
import { FloorPlanService, floorPlanEvents, openFloorPlan } from "@software-factory/floorplan";
import { Effect, Exit, Fiber, Layer } from "effect";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "floorplan-typed-errors-"));
  dirs.push(dir);
  return dir;
}

function layerIn(dir: string) {
  return FloorPlanService.layer({ live: false }).pipe(
    Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
  );
}

describe("FloorPlanService errors", () => {
  it("fails explainPath with a ValidationError catchTag handles when the path is not a string", async () => {
    const program = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      return yield* plan.explainPath(42 as never);
    }).pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(`${error.code}: ${error.message}`)));
    await expect(Effect.runPromise(Effect.provide(program, layerIn(tempDir())))).resolves.toMatch(
      /^E_VALIDATION: path is invalid: \(root\): /,
    );
  });

  it("fails health with a ValidationError naming the option that is not a count", async () => {
    const program = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      return yield* plan.health({ maxLinesPerOperator: "x" } as never);
    }).pipe(
      Effect.catchTag("ValidationError", (error) => Effect.succeed(error.issues.map((issue) => issue.path))),
    );
    await expect(Effect.runPromise(Effect.provide(program, layerIn(tempDir())))).resolves.toEqual([
      "maxLinesPerOperator",
    ]);
  });

  it("fails impact with a NotFoundError catchTag handles when the change names a line the plan lacks", async () => {
    const program = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      yield* plan.applyPlan({ operators: [{ id: "ana" }], lines: [{ id: "payments", owner: "ana" }] });
      return yield* plan.impact({ lines: ["payments", "paymnts"] });
    }).pipe(
      Effect.map(() => "answered"),
      Effect.catchTag("NotFoundError", (error) =>
        Effect.succeed(`${error.field} ${error.id}: ${error.message}`),
      ),
    );
    await expect(Effect.runPromise(Effect.provide(program, layerIn(tempDir())))).resolves.toBe(
      'lines[1] paymnts: lines[1]: no line "paymnts" in the floor plan (did you mean "payments"?)',
    );
  });

  it("has applied the plan when the interruption of an applyPlan returns", async () => {
    const lines = Array.from({ length: 200 }, (_, index) => ({
      id: `line-${index}`,
      owner: "ana",
      paths: [`/src/l${index}/`],
    }));
    const program = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      const fiber = yield* Effect.forkChild(plan.applyPlan({ operators: [{ id: "ana" }], lines }));
      yield* Effect.yieldNow;
      yield* Fiber.interrupt(fiber);
      const exit = yield* Fiber.await(fiber);
      return { interrupted: Exit.hasInterrupts(exit), lines: plan.floorPlan.lines().length };
    });
    await expect(Effect.runPromise(Effect.provide(program, layerIn(tempDir())))).resolves.toEqual({
      interrupted: true,
      lines: 200,
    });
  });
});

describe("FloorPlan option checks", () => {
  it("throws a ValidationError for a path that is not a string and for malformed or unknown health options", async () => {
    const dir = tempDir();
    const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
    const plan = await openFloorPlan({ log, live: false });
    try {
      expect(() => plan.explainPath(42 as never)).toThrow(ValidationError);
      expect(() => plan.lineForPath(undefined as never)).toThrow(/^path is invalid: /);
      expect(() => plan.health({ maxLinesPerOperator: "x" } as never)).toThrow(
        /^health options is invalid: maxLinesPerOperator: /,
      );
      expect(() => plan.health({ central: -1 })).toThrow(/central: /);
      expect(() => plan.health({ staleBefore: "last week" })).toThrow(/staleBefore: expected an ISO date/);
      expect(() => plan.health({ maxLines: 3 } as never)).toThrow(
        'health options is invalid: (root): unknown key "maxLines"; the keys are files, central, maxLinesPerOperator, staleBefore',
      );
      expect(
        plan.health({ staleBefore: "2026-03-01", maxLinesPerOperator: 2, central: 0 }).staleLines,
      ).toEqual([]);
    } finally {
      await plan.close();
      await log.close();
    }
  });

  it("throws a NotFoundError naming the unknown lines of an impact change, beside known lines and paths", async () => {
    const dir = tempDir();
    const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
    const plan = await openFloorPlan({ log, live: false });
    try {
      await plan.applyPlan({
        operators: [{ id: "ana" }],
        lines: [
          { id: "payments", owner: "ana", paths: ["/src/payments/"] },
          { id: "checkout", owner: "ana", dependsOn: ["payments"] },
        ],
      });
      const change = { lines: ["ghost", "payments"], paths: ["src/payments/refund.ts"] };
      expect(() => plan.impact(change)).toThrow(NotFoundError);
      expect(() => plan.impact(change)).toThrow(
        /^lines\[0\]: no line "ghost" in the floor plan; its lines are payments, checkout$/,
      );
      expect(plan.impact({ lines: ["payments"] }).affected.map((entry) => entry.line)).toEqual(["checkout"]);
    } finally {
      await plan.close();
      await log.close();
    }
  });

  it("names an unknown key of a plan's line and the keys a line takes, writing nothing", async () => {
    const dir = tempDir();
    const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
    const plan = await openFloorPlan({ log, live: false });
    try {
      await expect(
        plan.applyPlan({ operators: [{ id: "ana" }], lines: [{ id: "payments", ownr: "ana" }] } as never),
      ).rejects.toThrow(
        'floor plan is invalid: lines[0]: unknown key "ownr"; the keys are id, name, domain, description, owner, contributors, paths, tags, wipLimit, knowledge, dependsOn',
      );
      expect(await log.head()).toBe(0);
    } finally {
      await plan.close();
      await log.close();
    }
  });

  it("names an unknown key of an impact change or its options and the keys each takes", async () => {
    const dir = tempDir();
    const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
    const plan = await openFloorPlan({ log, live: false });
    try {
      expect(() => plan.impact({ line: ["payments"] } as never)).toThrow(
        'impact change is invalid: (root): unknown key "line"; the keys are lines, paths',
      );
      expect(() => plan.impact({ lines: [] }, { maxDepth: 2 } as never)).toThrow(
        'impact options is invalid: (root): unknown key "maxDepth"; the keys are depth, limit',
      );
    } finally {
      await plan.close();
      await log.close();
    }
  });

  it("refuses a path pattern it cannot compile with a ValidationError at the pattern's place, writing nothing", async () => {
    const dir = tempDir();
    const log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
    const plan = await openFloorPlan({ log, live: false });
    try {
      const applying = plan.applyPlan({
        product: { id: "shop" },
        operators: [{ id: "ana" }],
        lines: [{ id: "docs", owner: "ana", paths: ["/docs/", "[abc].md"] }],
      });
      await expect(applying).rejects.toBeInstanceOf(ValidationError);
      await expect(applying).rejects.toMatchObject({
        issues: [
          {
            path: "lines[0].paths[1]",
            message: 'pattern "[abc].md": character ranges ([ ]) are not supported in CODEOWNERS',
          },
        ],
      });
      expect(await log.head()).toBe(0);
    } finally {
      await plan.close();
      await log.close();
    }
  });
});
