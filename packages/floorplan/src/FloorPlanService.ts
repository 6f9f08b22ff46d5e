/**
 * The floor plan as an Effect service: the same operations as {@link FloorPlan},
 * with typed errors, opened over the {@link EventLogService} of the layer below
 * and closed with the layer.
 *
 * @module
 */
import {
  type ClosedError,
  type ConcurrencyConflictError,
  EventLogService,
  type StoreError,
  type ValidationError,
} from "@software-factory/core";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import type { ApplyPlanOptions, ApplyPlanResult, RemoveAllLinesError } from "./applyPlan.js";
import type { PathOwnership } from "./FloorGraph.js";
import type { FloorPlan } from "./FloorPlan.js";
import type { HealthOptions, HealthReport } from "./health.js";
import type { ImpactChange, ImpactOptions, ImpactReport } from "./impact.js";
import { type OpenFloorPlanOptions, openFloorPlan } from "./openFloorPlan.js";
import type { Plan, PlanInput } from "./Plan.js";

/** The floor plan as seen from Effect code. */
export interface FloorPlanShape {
  /** The Promise face underneath, for code that mixes both (its queries are synchronous). */
  readonly floorPlan: FloorPlan;
  /** See {@link FloorPlan.applyPlan}. */
  readonly applyPlan: (
    plan: Plan | PlanInput,
    options?: ApplyPlanOptions,
  ) => Effect.Effect<
    ApplyPlanResult,
    ValidationError | RemoveAllLinesError | ConcurrencyConflictError | StoreError | ClosedError
  >;
  /** See {@link FloorPlan.impact}; fails with the ValidationError a malformed change gets, or ClosedError after close. */
  readonly impact: (
    change: ImpactChange,
    options?: ImpactOptions,
  ) => Effect.Effect<ImpactReport, ValidationError | ClosedError>;
  /** The line and owner of a path, by CODEOWNERS rules (see {@link FloorPlan.explainPath}); ClosedError after close. */
  readonly whoOwns: (path: string) => Effect.Effect<PathOwnership | undefined, ClosedError>;
  /** See {@link FloorPlan.health}; ClosedError after close. */
  readonly health: (options?: HealthOptions) => Effect.Effect<HealthReport, ClosedError>;
  /** Catches up with events other processes appended; succeeds with the log position reached. */
  readonly refresh: Effect.Effect<number, StoreError | ClosedError>;
}

/** Wraps a Promise-face floor plan in the Effect shape. */
export function makeFloorPlanShape(floorPlan: FloorPlan): FloorPlanShape {
  return {
    floorPlan,
    applyPlan: (plan, options) =>
      Effect.tryPromise({
        try: () => floorPlan.applyPlan(plan, options),
        catch: (error) =>
          error as
            | ValidationError
            | RemoveAllLinesError
            | ConcurrencyConflictError
            | StoreError
            | ClosedError,
      }),
    impact: (change, options) =>
      Effect.try({
        try: () => floorPlan.impact(change, options),
        catch: (error) => error as ValidationError | ClosedError,
      }),
    whoOwns: (path) =>
      Effect.try({ try: () => floorPlan.explainPath(path), catch: (error) => error as ClosedError }),
    health: (options) =>
      Effect.try({ try: () => floorPlan.health(options), catch: (error) => error as ClosedError }),
    refresh: Effect.tryPromise({
      try: () => floorPlan.refresh(),
      catch: (error) => error as StoreError | ClosedError,
    }),
  };
}

/**
 * The floor plan as an Effect service.
 *
 * @example
 * ```ts
 * const program = Effect.gen(function* () {
 *   const plan = yield* FloorPlanService;
 *   yield* plan.applyPlan({ operators: [{ id: "ana" }], lines: [{ id: "checkout", owner: "ana", paths: ["/src/checkout/"] }] });
 *   return yield* plan.whoOwns("src/checkout/cart.ts");
 * });
 * const layer = FloorPlanService.layer().pipe(Layer.provide(EventLogService.layer({ path: ".factory/factory.db" })));
 * await Effect.runPromise(Effect.provide(program, layer));
 * ```
 */
export class FloorPlanService extends Context.Service<FloorPlanService, FloorPlanShape>()(
  "@software-factory/floorplan/FloorPlan",
) {
  /** A layer that opens the floor plan over the log of {@link EventLogService} and closes it with the layer. */
  static layer(
    options: Omit<OpenFloorPlanOptions, "log"> = {},
  ): Layer.Layer<FloorPlanService, StoreError | ClosedError | ValidationError, EventLogService> {
    return Layer.effect(
      FloorPlanService,
      Effect.gen(function* () {
        const { log } = yield* EventLogService;
        const floorPlan = yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () => openFloorPlan({ ...options, log }),
            catch: (error) => error as StoreError | ClosedError | ValidationError,
          }),
          (opened) => Effect.promise(() => opened.close()),
        );
        return makeFloorPlanShape(floorPlan);
      }),
    );
  }
}
