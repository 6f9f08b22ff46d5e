import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService, manualClock, NotFoundError } from "@software-factory/core";
import { FloorPlanService, floorPlanEvents } from "@software-factory/floorplan";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
const clock = manualClock("2026-03-01T09:00:00.000Z");
const layer = () =>
  FloorPlanService.layer({ live: false }).pipe(
    Layer.provide(EventLogService.layer({ path: join(dir, "factory.db"), events: floorPlanEvents, clock })),
  );

/** payments is ana's from 2026-03-01T09:00Z; bo's, with checkout depending on it, from 2026-03-10T09:00Z. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "floorplan-effect-as-of-"));
  const operators = [{ id: "ana" }, { id: "bo" }];
  const payments = { id: "payments", paths: ["/src/payments/"] };
  const written = Effect.gen(function* () {
    const plan = yield* FloorPlanService;
    yield* plan.applyPlan({ operators, lines: [{ ...payments, owner: "ana" }] });
    clock.set("2026-03-10T09:00:00.000Z");
    yield* plan.applyPlan({
      operators,
      lines: [
        { ...payments, owner: "bo" },
        { id: "checkout", owner: "bo", paths: ["/src/checkout/"], dependsOn: ["payments"] },
      ],
    });
  });
  await Effect.runPromise(Effect.provide(written, layer()));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("FloorPlanService.asOf", () => {
  it("gives the plan as it was at an instant, as the Promise face does", async () => {
    const program = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      const then = yield* plan.asOf("2026-03-05");
      const later = yield* plan.asOf(new Date("2026-03-10T09:00:00.000Z"));
      return {
        at: then.at,
        owner: then.explainPath("src/payments/refund.ts")?.owner,
        affectedThen: then.impact({ lines: ["payments"] }).affected.map((entry) => entry.line),
        ownerLater: later.ownerOf("payments"),
        affectedLater: later.impact({ lines: ["payments"] }).affected.map((entry) => entry.line),
      };
    });
    expect(await Effect.runPromise(Effect.provide(program, layer()))).toEqual({
      at: "2026-03-05T00:00:00.000Z",
      owner: "ana",
      affectedThen: [],
      ownerLater: "bo",
      affectedLater: ["checkout"],
    });
  });

  it("fails with a ValidationError for an instant it cannot read, in the error channel", async () => {
    const program = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      return yield* Effect.flip(plan.asOf("March 1st"));
    });
    const error = await Effect.runPromise(Effect.provide(program, layer()));
    expect(error._tag).toBe("ValidationError");
    expect(error.message).toContain("expected an ISO date (2026-03-01)");
  });

  it("names the instant when a view's impact is asked about a line the plan did not have then", async () => {
    const view = Effect.gen(function* () {
      const plan = yield* FloorPlanService;
      return yield* plan.asOf("2026-03-05");
    });
    // A view never changes, so it answers after the layer closed the floor plan.
    const then = await Effect.runPromise(Effect.provide(view, layer()));
    const refused = () => then.impact({ lines: ["checkout"] });
    expect(refused).toThrow(NotFoundError);
    expect(refused).toThrow(
      'lines[0]: no line "checkout" in the floor plan as of 2026-03-05T00:00:00.000Z; its lines were payments',
    );
  });
});
