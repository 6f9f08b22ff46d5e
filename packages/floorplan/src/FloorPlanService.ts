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
  checkArguments,
  type ErrorGuard,
  EventLogService,
  type EventVersionError,
  isKernelError,
  type NotFoundError,
  type ReadOnlyError,
  type StoreError,
  type ValidationError,
} from "@software-factory/core";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { z } from "zod";
import {
  type ApplyPlanOptions,
  type ApplyPlanResult,
  type ChangeOptions,
  RemoveAllLinesError,
} from "./applyPlan.js";
import type { PathOwnership, ReachOptions } from "./FloorGraph.js";
import { FloorPlan } from "./FloorPlan.js";
import type { FloorPlanView } from "./FloorPlanView.js";
import type { DependencyInfo, LineInfo, ReachedLine } from "./graphTypes.js";
import type { HealthOptions, HealthReport } from "./health.js";
import type { ImpactChange, ImpactOptions, ImpactReport } from "./impact.js";
import { type OpenFloorPlanOptions, openFloorPlan } from "./openFloorPlan.js";
import type {
  ContributorDecl,
  DependencyDeclInput,
  DomainDecl,
  LineDeclInput,
  OperatorDeclInput,
  Plan,
  PlanInput,
} from "./Plan.js";

/**
 * What a single change of the floor plan (`declareLine`, `assignOwner`,
 * `addDependency`...) can fail with: a malformed or refused change, an
 * unknown line or operator, other writers that kept moving the log, an
 * event in the log stored at a newer version of its type than this code
 * knows (a newer SDK wrote it; the change folds the log first), the store, a
 * factory open read-only, or a closed floor plan.
 */
export type FloorPlanChangeError =
  | ValidationError
  | NotFoundError
  | ConcurrencyConflictError
  | EventVersionError
  | StoreError
  | ReadOnlyError
  | ClosedError;

/** A single change of {@link FloorPlanShape}: what it appended, or the typed reason it was refused. */
export type FloorPlanChange = Effect.Effect<ApplyPlanResult, FloorPlanChangeError>;

/**
 * The floor plan as seen from Effect code: each operation fails only with the
 * typed errors it names; anything else (a bug) is a defect. Those that read
 * the log (the writes, which fold it first, `asOf` and `refresh`) fail with
 * an `EventVersionError` at an event stored at a newer version of its type
 * than this code knows: a newer SDK wrote it, upgrade to read it.
 *
 * The writes (`applyPlan` and the single changes, `declareLine` to
 * `removeRelation`) are uninterruptible: interrupting the fiber running one
 * waits until the write has landed or failed, so once the interruption
 * returns the floor plan (and the log) hold the write or nothing of it, never
 * a write still under way. The interrupted exit does not say which: query the
 * floor plan, or write the same again (a change already made appends nothing).
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
    | EventVersionError
    | StoreError
    | ReadOnlyError
    | ClosedError
  >;
  /** See {@link FloorPlan.declareLine}. */
  readonly declareLine: (line: LineDeclInput, options?: ChangeOptions) => FloorPlanChange;
  /** See {@link FloorPlan.declareOperator}. */
  readonly declareOperator: (operator: OperatorDeclInput, options?: ChangeOptions) => FloorPlanChange;
  /** See {@link FloorPlan.declareDomain}. */
  readonly declareDomain: (domain: DomainDecl, options?: ChangeOptions) => FloorPlanChange;
  /** See {@link FloorPlan.retireLine}. */
  readonly retireLine: (lineId: string, options?: ChangeOptions) => FloorPlanChange;
  /** See {@link FloorPlan.assignOwner}. */
  readonly assignOwner: (lineId: string, operatorId: string, options?: ChangeOptions) => FloorPlanChange;
  /** See {@link FloorPlan.addContributor}. */
  readonly addContributor: (
    lineId: string,
    contributor: ContributorDecl,
    options?: ChangeOptions,
  ) => FloorPlanChange;
  /** See {@link FloorPlan.removeContributor}. */
  readonly removeContributor: (
    lineId: string,
    operatorId: string,
    options?: ChangeOptions,
  ) => FloorPlanChange;
  /** See {@link FloorPlan.addDependency}. */
  readonly addDependency: (
    fromLine: string,
    dependency: DependencyDeclInput,
    options?: ChangeOptions,
  ) => FloorPlanChange;
  /** See {@link FloorPlan.removeDependency}. */
  readonly removeDependency: (fromLine: string, toLine: string, options?: ChangeOptions) => FloorPlanChange;
  /** See {@link FloorPlan.addRelation}. */
  readonly addRelation: (
    type: string,
    from: string,
    to: string,
    attributes?: Record<string, unknown>,
    options?: ChangeOptions,
  ) => FloorPlanChange;
  /** See {@link FloorPlan.removeRelation}. */
  readonly removeRelation: (
    type: string,
    from: string,
    to: string,
    options?: ChangeOptions,
  ) => FloorPlanChange;
  /** Every line with its owner and contributors, in plan order (see {@link FloorPlan.lines}). */
  readonly lines: Effect.Effect<LineInfo[], ClosedError>;
  /** One line, `undefined` when not declared (see {@link FloorPlan.line}). */
  readonly line: (id: string) => Effect.Effect<LineInfo | undefined, ValidationError | ClosedError>;
  /** Whether a line is declared (see {@link FloorPlan.hasLine}). */
  readonly hasLine: (lineId: string) => Effect.Effect<boolean, ValidationError | ClosedError>;
  /** Whether an operator is declared (see {@link FloorPlan.hasOperator}). */
  readonly hasOperator: (operatorId: string) => Effect.Effect<boolean, ValidationError | ClosedError>;
  /** The accountable operator of a line, `undefined` for an unknown or unowned line (see {@link FloorPlan.ownerOf}). */
  readonly ownerOf: (lineId: string) => Effect.Effect<string | undefined, ValidationError | ClosedError>;
  /** The WIP limit of a line, `undefined` for an unknown line or one without a limit (see {@link FloorPlan.wipLimitOf}). */
  readonly wipLimitOf: (lineId: string) => Effect.Effect<number | undefined, ValidationError | ClosedError>;
  /** The line owning a path (see {@link FloorPlan.lineForPath}); ValidationError when the path is not a string. */
  readonly lineForPath: (path: string) => Effect.Effect<string | undefined, ValidationError | ClosedError>;
  /**
   * Paths grouped by the line that claims them, and those no line claims (see {@link FloorPlan.linesForPaths});
   * ValidationError naming a refused path and its place (`paths[2]`), ClosedError after close.
   */
  readonly linesForPaths: (
    paths: Iterable<string>,
  ) => Effect.Effect<ReturnType<FloorPlan["linesForPaths"]>, ValidationError | ClosedError>;
  /** Lines an operator owns, and contributes to with `contributions` (see {@link FloorPlan.linesOf}). */
  readonly linesOf: (
    operatorId: string,
    options?: { readonly contributions?: boolean },
  ) => Effect.Effect<string[], ValidationError | NotFoundError | ClosedError>;
  /** Every dependency between lines (see {@link FloorPlan.dependencyList}). */
  readonly dependencyList: Effect.Effect<DependencyInfo[], ClosedError>;
  /** Lines a line depends on, with depth and path (see {@link FloorPlan.dependencies}). */
  readonly dependencies: (
    lineId: string,
    options?: ReachOptions,
  ) => Effect.Effect<ReachedLine[], ValidationError | NotFoundError | ClosedError>;
  /** Lines depending on a line, with depth and path (see {@link FloorPlan.dependents}). */
  readonly dependents: (
    lineId: string,
    options?: ReachOptions,
  ) => Effect.Effect<ReachedLine[], ValidationError | NotFoundError | ClosedError>;
  /** Edges of a relation type, with `kind:id` node keys (see {@link FloorPlan.relationsOf}). */
  readonly relationsOf: (
    type: string,
  ) => Effect.Effect<ReturnType<FloorPlan["relationsOf"]>, ValidationError | ClosedError>;
  /** Dependency cycles (see {@link FloorPlan.cycles}). */
  readonly cycles: Effect.Effect<string[][], ClosedError>;
  /** The current state as a plan, to save as `factory.yaml` or diff (see {@link FloorPlan.toPlan}). */
  readonly toPlan: Effect.Effect<Plan, ClosedError>;
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
   * are synchronous. ValidationError for an instant it cannot read, EventVersionError at an
   * event stored at a newer version of its type than this code knows, StoreError when the
   * log cannot be read, ClosedError after close.
   */
  readonly asOf: (
    instant: string | Date,
  ) => Effect.Effect<FloorPlanView, ValidationError | EventVersionError | StoreError | ClosedError>;
  /**
   * Catches up with events other processes appended; succeeds with the log position reached.
   * EventVersionError at an event stored at a newer version of its type than this code knows
   * (nothing past it is folded), StoreError when the log cannot be read, ClosedError after close.
   */
  readonly refresh: Effect.Effect<number, EventVersionError | StoreError | ClosedError>;
}

/** The errors `applyPlan` declares. */
type ApplyPlanError =
  | ValidationError
  | RemoveAllLinesError
  | ConcurrencyConflictError
  | EventVersionError
  | StoreError
  | ReadOnlyError
  | ClosedError;

const isWriteKernelError = isKernelError(
  "ValidationError",
  "ConcurrencyConflictError",
  "EventVersionError",
  "StoreError",
  "ReadOnlyError",
  "ClosedError",
);
const isApplyPlanError: ErrorGuard<ApplyPlanError> = (error): error is ApplyPlanError =>
  error instanceof RemoveAllLinesError || isWriteKernelError(error);
const isChangeError = isKernelError(
  "ValidationError",
  "NotFoundError",
  "ConcurrencyConflictError",
  "EventVersionError",
  "StoreError",
  "ReadOnlyError",
  "ClosedError",
);
const isClosedError = isKernelError("ClosedError");
const isQueryError = isKernelError("ValidationError", "ClosedError");
const isLookupError = isKernelError("ValidationError", "NotFoundError", "ClosedError");
const isRefreshError = isKernelError("EventVersionError", "StoreError", "ClosedError");
const isAsOfError = isKernelError("ValidationError", "EventVersionError", "StoreError", "ClosedError");
const isOpenError = isKernelError("ValidationError", "EventVersionError", "StoreError", "ClosedError");

/** A single change as an Effect: uninterruptible, so an interrupted change has landed or failed when the interruption returns. */
function writeChange(write: () => Promise<ApplyPlanResult>): FloorPlanChange {
  return Effect.uninterruptible(attempt(write, isChangeError));
}

/** A query that fails only once the floor plan is closed. */
function query<A>(read: () => A): Effect.Effect<A, ClosedError> {
  return attemptSync(read, isClosedError);
}

/** A query by an id or a type: a `ValidationError` when the argument is no string (a JavaScript caller's), a `ClosedError` once closed. */
function lookup<A>(read: () => A): Effect.Effect<A, ValidationError | ClosedError> {
  return attemptSync(read, isQueryError);
}

/**
 * Wraps a Promise-face floor plan in the Effect shape.
 *
 * @throws ValidationError naming `floorPlan` when it is not a {@link FloorPlan}.
 */
export function makeFloorPlanShape(floorPlan: FloorPlan): FloorPlanShape {
  checkArguments("makeFloorPlanShape", { floorPlan: [z.instanceof(FloorPlan), floorPlan] });
  return {
    floorPlan,
    applyPlan: (plan, options) =>
      Effect.uninterruptible(attempt(() => floorPlan.applyPlan(plan, options), isApplyPlanError)),
    declareLine: (line, options) => writeChange(() => floorPlan.declareLine(line, options)),
    declareOperator: (operator, options) => writeChange(() => floorPlan.declareOperator(operator, options)),
    declareDomain: (domain, options) => writeChange(() => floorPlan.declareDomain(domain, options)),
    retireLine: (lineId, options) => writeChange(() => floorPlan.retireLine(lineId, options)),
    assignOwner: (lineId, operatorId, options) =>
      writeChange(() => floorPlan.assignOwner(lineId, operatorId, options)),
    addContributor: (lineId, contributor, options) =>
      writeChange(() => floorPlan.addContributor(lineId, contributor, options)),
    removeContributor: (lineId, operatorId, options) =>
      writeChange(() => floorPlan.removeContributor(lineId, operatorId, options)),
    addDependency: (fromLine, dependency, options) =>
      writeChange(() => floorPlan.addDependency(fromLine, dependency, options)),
    removeDependency: (fromLine, toLine, options) =>
      writeChange(() => floorPlan.removeDependency(fromLine, toLine, options)),
    addRelation: (type, from, to, attributes, options) =>
      writeChange(() => floorPlan.addRelation(type, from, to, attributes, options)),
    removeRelation: (type, from, to, options) =>
      writeChange(() => floorPlan.removeRelation(type, from, to, options)),
    lines: query(() => floorPlan.lines()),
    line: (id) => lookup(() => floorPlan.line(id)),
    hasLine: (lineId) => lookup(() => floorPlan.hasLine(lineId)),
    hasOperator: (operatorId) => lookup(() => floorPlan.hasOperator(operatorId)),
    ownerOf: (lineId) => lookup(() => floorPlan.ownerOf(lineId)),
    wipLimitOf: (lineId) => lookup(() => floorPlan.wipLimitOf(lineId)),
    lineForPath: (path) => attemptSync(() => floorPlan.lineForPath(path), isQueryError),
    linesForPaths: (paths) => attemptSync(() => floorPlan.linesForPaths(paths), isQueryError),
    linesOf: (operatorId, options) =>
      attemptSync(() => floorPlan.linesOf(operatorId, options), isLookupError),
    dependencyList: query(() => floorPlan.dependencyList()),
    dependencies: (lineId, options) =>
      attemptSync(() => floorPlan.dependencies(lineId, options), isLookupError),
    dependents: (lineId, options) => attemptSync(() => floorPlan.dependents(lineId, options), isLookupError),
    relationsOf: (type) => lookup(() => floorPlan.relationsOf(type)),
    cycles: query(() => floorPlan.cycles()),
    toPlan: query(() => floorPlan.toPlan()),
    impact: (change, options) => attemptSync(() => floorPlan.impact(change, options), isLookupError),
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
  // AssemblyLineService.layer (core) finds the floor plan by this key: change both or neither.
  "@software-factory/floorplan/FloorPlan",
) {
  /**
   * A layer that opens the floor plan over the log of {@link EventLogService}
   * and closes it with the layer. Opening fails with `ValidationError` for
   * malformed options or stored plan data it cannot fold, `EventVersionError`
   * at an event stored at a newer version of its type than this code knows
   * (a newer SDK wrote it), `StoreError` when the log cannot be read, and
   * `ClosedError` when the log is closed.
   * An `AssemblyLineService.layer` built over this layer checks its work
   * items' lines and operators against this floor plan.
   */
  static layer(
    options: Omit<OpenFloorPlanOptions, "log"> = {},
  ): Layer.Layer<
    FloorPlanService,
    StoreError | ClosedError | ValidationError | EventVersionError,
    EventLogService
  > {
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
