/**
 * The floor plan as an Effect service: the same operations as {@link FloorPlan},
 * with typed errors, opened over the {@link EventLogService} of the layer below
 * and closed with the layer.
 *
 * @module
 */
import {
  attempt,
  attemptSync,
  type ClosedError,
  type ConcurrencyConflictError,
  type ErrorGuard,
  EventLogService,
  isKernelError,
  type NotFoundError,
  type ReadOnlyError,
  type StoreError,
  type ValidationError,
} from "@software-factory/core";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { type ApplyPlanOptions, type ApplyPlanResult, RemoveAllLinesError } from "./applyPlan.js";
import type { PathOwnership } from "./FloorGraph.js";
import type { FloorPlan } from "./FloorPlan.js";
import type { FloorPlanView } from "./FloorPlanView.js";
import type { HealthOptions, HealthReport } from "./health.js";
import type { ImpactChange, ImpactOptions, ImpactReport } from "./impact.js";
import { type OpenFloorPlanOptions, openFloorPlan } from "./openFloorPlan.js";
import type { Plan, PlanInput } from "./Plan.js";

/**
 * The floor plan as seen from Effect code: each operation fails only with the
 * typed errors it names; anything else (a bug) is a defect.
 *
 * `applyPlan` is uninterruptible: interrupting the fiber running it waits
 * until the write has landed or failed, so once the interruption returns the
 * floor plan (and the log) hold the apply or nothing of it, never a write still
 * under way. The interrupted exit does not say which: query the floor plan,
 * or apply the same plan again (an unchanged plan appends nothing).
 */
export interface FloorPlanShape {
  /** The Promise face underneath, for code that mixes both (its queries are synchronous). */
  readonly floorPlan: FloorPlan;
  /** See {@link FloorPlan.applyPlan}. */
  readonly applyPlan: (
    plan: Plan | PlanInput,
    options?: ApplyPlanOptions,
  ) => Effect.Effect<
    ApplyPlanResult,
    | ValidationError
    | RemoveAllLinesError
    | ConcurrencyConflictError
    | StoreError
    | ReadOnlyError
    | ClosedError
  >;
  /**
   * See {@link FloorPlan.impact}; fails with the ValidationError a malformed change gets, NotFoundError
   * when it names lines the floor plan does not have, or ClosedError after close.
   */
  readonly impact: (
    change: ImpactChange,
    options?: ImpactOptions,
  ) => Effect.Effect<ImpactReport, ValidationError | NotFoundError | ClosedError>;
  /**
   * The line and owner of a path, by CODEOWNERS rules (see {@link FloorPlan.explainPath});
   * ValidationError when the path is not a string, ClosedError after close.
   */
  readonly explainPath: (
    path: string,
  ) => Effect.Effect<PathOwnership | undefined, ValidationError | ClosedError>;
  /** See {@link FloorPlan.health}; ValidationError for malformed options, ClosedError after close. */
  readonly health: (options?: HealthOptions) => Effect.Effect<HealthReport, ValidationError | ClosedError>;
  /**
   * The floor plan as it was at an instant (see {@link FloorPlan.asOf}): a view whose queries
   * are synchronous. ValidationError for an instant it cannot read, StoreError when the log
   * cannot be read, ClosedError after close.
   */
  readonly asOf: (
    instant: string | Date,
  ) => Effect.Effect<FloorPlanView, ValidationError | StoreError | ClosedError>;
  /** Catches up with events other processes appended; succeeds with the log position reached. */
  readonly refresh: Effect.Effect<number, StoreError | ClosedError>;
}

/** The errors `applyPlan` declares. */
type ApplyPlanError =
  | ValidationError
  | RemoveAllLinesError
  | ConcurrencyConflictError
  | StoreError
  | ReadOnlyError
  | ClosedError;

const isWriteKernelError = isKernelError(
  "ValidationError",
  "ConcurrencyConflictError",
  "StoreError",
  "ReadOnlyError",
  "ClosedError",
);
const isApplyPlanError: ErrorGuard<ApplyPlanError> = (error): error is ApplyPlanError =>
  error instanceof RemoveAllLinesError || isWriteKernelError(error);
const isQueryError = isKernelError("ValidationError", "ClosedError");
const isImpactError = isKernelError("ValidationError", "NotFoundError", "ClosedError");
const isRefreshError = isKernelError("StoreError", "ClosedError");
const isAsOfError = isKernelError("ValidationError", "StoreError", "ClosedError");
const isOpenError = isKernelError("ValidationError", "StoreError", "ClosedError");

/** Wraps a Promise-face floor plan in the Effect shape. */
export function makeFloorPlanShape(floorPlan: FloorPlan): FloorPlanShape {
  return {
    floorPlan,
    applyPlan: (plan, options) =>
      Effect.uninterruptible(attempt(() => floorPlan.applyPlan(plan, options), isApplyPlanError)),
    impact: (change, options) => attemptSync(() => floorPlan.impact(change, options), isImpactError),
    explainPath: (path) => attemptSync(() => floorPlan.explainPath(path), isQueryError),
    health: (options) => attemptSync(() => floorPlan.health(options), isQueryError),
    asOf: (instant) => attempt(() => floorPlan.asOf(instant), isAsOfError),
    refresh: attempt(() => floorPlan.refresh(), isRefreshError),
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
 *   return yield* plan.explainPath("src/checkout/cart.ts");
 * });
 * const layer = FloorPlanService.layer().pipe(Layer.provide(EventLogService.layer({ path: ".factory/factory.db" })));
 * await Effect.runPromise(Effect.provide(program, layer));
 * ```
 */
export class FloorPlanService extends Context.Service<FloorPlanService, FloorPlanShape>()(
  "@software-factory/floorplan/FloorPlan",
) {
  /**
   * A layer that opens the floor plan over the log of {@link EventLogService}
   * and closes it with the layer. Opening fails with `ValidationError` for
   * malformed options or stored plan data it cannot fold, `StoreError` when
   * the log cannot be read, and `ClosedError` when the log is closed.
   */
  static layer(
    options: Omit<OpenFloorPlanOptions, "log"> = {},
  ): Layer.Layer<FloorPlanService, StoreError | ClosedError | ValidationError, EventLogService> {
    return Layer.effect(
      FloorPlanService,
      Effect.gen(function* () {
        const { log } = yield* EventLogService;
        const floorPlan = yield* Effect.acquireRelease(
          attempt(() => openFloorPlan({ ...options, log }), isOpenError),
          (opened) => Effect.promise(() => opened.close()),
        );
        return makeFloorPlanShape(floorPlan);
      }),
    );
  }
}
