/**
 * A floor-plan event stored at a newer version than this code defines
 * (a newer SDK appended it to the shared log), met by the floor plan's
 * Effect face: a typed `EventVersionError` in the error channel of every
 * operation that reads the log, as the face's types say, not a defect.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService, EventVersionError } from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import { Cause, Effect, Exit, Layer } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendNewerEvent, NEWER_LINE } from "../../core/test/fixtures/newerEvent.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "floorplan-newer-event-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const dbPath = () => join(dir, "factory.db");
const layer = () =>
  FloorPlanService.layer({ live: false }).pipe(Layer.provide(EventLogService.layer({ path: dbPath() })));

/** A newer SDK's process appends a `floorplan.line.declared` at version 9 to the shared file. */
const appendNewerLine = () => appendNewerEvent(dbPath(), NEWER_LINE);

/** The error of the Fail reason of an exit (undefined for a success, a defect or an interruption). */
function failure(exit: Exit.Exit<unknown, unknown>): unknown {
  return Exit.isFailure(exit) ? exit.cause.reasons.find(Cause.isFailReason)?.error : undefined;
}

function expectNewerEvent(exit: Exit.Exit<unknown, unknown>): void {
  const error = failure(exit);
  expect(error).toBeInstanceOf(EventVersionError);
  expect(error).toMatchObject({ type: "floorplan.line.declared", version: 9, code: "E_EVENT_VERSION" });
}

/** Declares an operator and a line, appends the newer event behind the open floor plan's back, then runs `operation`. */
function afterNewerEvent<A, E>(
  operation: (plan: FloorPlanService["Service"]) => Effect.Effect<A, E>,
): Promise<Exit.Exit<A, unknown>> {
  const program = Effect.gen(function* () {
    const plan = yield* FloorPlanService;
    yield* plan.applyPlan({ operators: [{ id: "ana" }], lines: [{ id: "checkout", owner: "ana" }] });
    yield* Effect.promise(appendNewerLine);
    return yield* operation(plan);
  });
  return Effect.runPromiseExit(Effect.provide(program, layer()));
}

describe("the floor plan's Effect face over a log holding a newer floor-plan event", () => {
  it("fails opening the layer with the EventVersionError, typed", async () => {
    await appendNewerLine();
    const exit = await Effect.runPromiseExit(
      Effect.provide(
        Effect.gen(function* () {
          return yield* (yield* FloorPlanService).lines;
        }),
        layer(),
      ),
    );
    expectNewerEvent(exit);
  });

  it("fails refresh with it", async () => {
    expectNewerEvent(await afterNewerEvent((plan) => plan.refresh));
  });

  it("fails a single change, which folds the log first, with it", async () => {
    expectNewerEvent(await afterNewerEvent((plan) => plan.declareLine({ id: "payments", owner: "ana" })));
  });

  it("fails applyPlan with it", async () => {
    expectNewerEvent(
      await afterNewerEvent((plan) =>
        plan.applyPlan({ operators: [{ id: "ana" }], lines: [{ id: "payments", owner: "ana" }] }),
      ),
    );
  });

  it("fails asOf, which reads the log, with it", async () => {
    expectNewerEvent(await afterNewerEvent((plan) => plan.asOf(new Date())));
  });
});
