import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService } from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function layerIn(dir: string) {
  return FloorPlanService.layer({ live: false }).pipe(
    Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
  );
}

describe("FloorPlanService", () => {
  it("applies a plan, answers ownership and impact, and keeps it in the log for the next layer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "floorplan-effect-"));
    dirs.push(dir);
    const written = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      const applied = yield* plan.applyPlan({
        operators: [{ id: "ana" }, { id: "bo" }],
        lines: [
          { id: "payments", owner: "ana", paths: ["/src/payments/"] },
          { id: "checkout", owner: "bo", paths: ["/src/checkout/"], dependsOn: ["payments"] },
        ],
      });
      const owner = yield* plan.explainPath("src/payments/refund.ts");
      const impact = yield* plan.impact({ lines: ["payments"] });
      return { changes: applied.changes, owner, affected: impact.affected.map((entry) => entry.line) };
    });

    const first = await Effect.runPromise(Effect.provide(written, layerIn(dir)));

    expect(first.changes).toBeGreaterThan(0);
    expect(first.owner).toMatchObject({ line: "payments", owner: "ana" });
    expect(first.affected).toEqual(["checkout"]);
    const reopened = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          const plan = yield* FloorPlanService;
          return plan.floorPlan.ownerOf("checkout");
        }),
        layerIn(dir),
      ),
    );
    expect(reopened).toBe("bo");
  });

  it("fails with the typed error of a bad plan or change, in the error channel", async () => {
    const dir = mkdtempSync(join(tmpdir(), "floorplan-effect-"));
    dirs.push(dir);
    const program = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      const bad = yield* Effect.flip(plan.applyPlan({ lines: [{ id: "x", owner: "nobody" }] }));
      const badChange = yield* Effect.flip(plan.impact({ lines: [42 as unknown as string] }));
      return [bad._tag, badChange._tag];
    });

    expect(await Effect.runPromise(Effect.provide(program, layerIn(dir)))).toEqual([
      "ValidationError",
      "ValidationError",
    ]);
  });
});
