/**
 * The assembly line as an Effect service: the same operations as
 * {@link AssemblyLine}, with typed errors, opened over the
 * {@link EventLogService} of the layer below and closed with the layer.
 *
 * @module
 */
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Option from "effect/Option";
import type * as Scope from "effect/Scope";
import { EventLogService } from "../EventLogService.js";
import { attempt, attemptSync, type ErrorGuard, isKernelError } from "../effectAttempt.js";
import { type FactoryError, type SchemaVersionError, StoreError } from "../errors.js";
import type { Artifact, RecordedArtifact } from "./Artifact.js";
import { type AssemblyLine, type OpenAssemblyLineOptions, openAssemblyLine } from "./AssemblyLine.js";
import type { Gate } from "./Gate.js";
import type {
  AssignInput,
  CaptureSignalInput,
  CaptureSignalOptions,
  CreateWorkItemInput,
  LinkInput,
  MoveOptions,
  OpenIncidentInput,
  ReasonInput,
  RecordArtifactInput,
  RecordDeploymentInput,
  RecordFactOptions,
  ResolveIncidentInput,
  ReviewInput,
  SendBackInput,
  UnblockInput,
} from "./inputs.js";
import type { LineDirectory } from "./LineDirectory.js";
import type { MeasureOptions } from "./measureOptions.js";
import type { AssemblyMeasures } from "./measures.js";
import type { Deployment, DeploymentFilter, Incident, IncidentFilter } from "./Production.js";
import type { Signal } from "./Signal.js";
import type { Trace } from "./Trace.js";
import type { TraceLink, WalkDirection } from "./TraceLink.js";
import type { WorkItem, WorkItemFilter } from "./WorkItem.js";

/**
 * What an assembly-line call can fail with: every kernel error but a schema
 * version mismatch (which only opening the log raises). Each method's TSDoc on
 * {@link AssemblyLine} says which of them it raises and when.
 */
export type AssemblyLineError = Exclude<FactoryError, SchemaVersionError>;

/**
 * A work-item move of {@link AssemblyLineShape} (`advance`, `block`...): the
 * item as it is after the move, or the typed reason it was refused.
 */
export type Move = Effect.Effect<WorkItem, AssemblyLineError>;

/**
 * The assembly line as seen from Effect code: the same operations, with the
 * typed errors of {@link AssemblyLineError}; anything else (a bug) is a defect.
 *
 * The writes (every method but the reads, `measures` and `refresh`) are
 * uninterruptible: interrupting the fiber running one waits until the write
 * has landed or failed. The interrupted exit does not say which: pass an
 * `idempotencyKey` (or `expectedVersion`) and run the move again to learn it
 * without moving twice.
 */
export interface AssemblyLineShape {
  /** The Promise face underneath, for code that mixes both (its reads are synchronous). */
  readonly line: AssemblyLine;
  /**
   * Registers a gate for the life of the scope (see {@link AssemblyLine.registerGate}):
   * items entering its stages are checked by it until the scope closes, when it is unregistered.
   */
  readonly registerGate: (gate: Gate) => Effect.Effect<void, AssemblyLineError, Scope.Scope>;
  /** See {@link AssemblyLine.createWorkItem}. */
  readonly createWorkItem: (input: CreateWorkItemInput, options?: MoveOptions) => Move;
  /** See {@link AssemblyLine.advance}. */
  readonly advance: (id: string, options?: MoveOptions) => Move;
  /** See {@link AssemblyLine.sendBack}. */
  readonly sendBack: (id: string, input: SendBackInput, options?: MoveOptions) => Move;
  /** See {@link AssemblyLine.block}. */
  readonly block: (id: string, input: ReasonInput, options?: MoveOptions) => Move;
  /** See {@link AssemblyLine.unblock}. */
  readonly unblock: (id: string, input?: UnblockInput, options?: MoveOptions) => Move;
  /** See {@link AssemblyLine.drop}. */
  readonly drop: (id: string, input: ReasonInput, options?: MoveOptions) => Move;
  /** See {@link AssemblyLine.complete}. */
  readonly complete: (id: string, options?: MoveOptions) => Move;
  /** See {@link AssemblyLine.assign}. */
  readonly assign: (id: string, input: AssignInput, options?: MoveOptions) => Move;
  /** See {@link AssemblyLine.recordArtifact}. */
  readonly recordArtifact: (input: RecordArtifactInput) => Effect.Effect<RecordedArtifact, AssemblyLineError>;
  /** See {@link AssemblyLine.recordArtifacts}. */
  readonly recordArtifacts: (
    inputs: readonly RecordArtifactInput[],
  ) => Effect.Effect<RecordedArtifact[], AssemblyLineError>;
  /** See {@link AssemblyLine.link}. */
  readonly link: (input: LinkInput) => Effect.Effect<TraceLink, AssemblyLineError>;
  /** See {@link AssemblyLine.linkAll}. */
  readonly linkAll: (inputs: readonly LinkInput[]) => Effect.Effect<TraceLink[], AssemblyLineError>;
  /** See {@link AssemblyLine.reviewLink}. */
  readonly reviewLink: (
    linkId: string,
    input: ReviewInput,
    options?: RecordFactOptions,
  ) => Effect.Effect<TraceLink, AssemblyLineError>;
  /** See {@link AssemblyLine.captureSignal}. */
  readonly captureSignal: (
    input: CaptureSignalInput,
    options?: CaptureSignalOptions,
  ) => Effect.Effect<Signal, AssemblyLineError>;
  /** See {@link AssemblyLine.routeSignal}. */
  readonly routeSignal: (
    id: string,
    line: string,
    options?: { readonly actor?: string },
  ) => Effect.Effect<Signal, AssemblyLineError>;
  /** See {@link AssemblyLine.recordDeployment}; succeeds with the deployment's id. */
  readonly recordDeployment: (
    input?: RecordDeploymentInput,
    options?: RecordFactOptions,
  ) => Effect.Effect<string, AssemblyLineError>;
  /** See {@link AssemblyLine.openIncident}; succeeds with the incident's id. */
  readonly openIncident: (
    input: OpenIncidentInput,
    options?: RecordFactOptions,
  ) => Effect.Effect<string, AssemblyLineError>;
  /** See {@link AssemblyLine.resolveIncident}. */
  readonly resolveIncident: (
    id: string,
    input?: ResolveIncidentInput,
  ) => Effect.Effect<void, AssemblyLineError>;
  /** See {@link AssemblyLine.get}: succeeds with `undefined` for an unknown id. */
  readonly get: (id: string) => Effect.Effect<WorkItem | undefined, AssemblyLineError>;
  /** See {@link AssemblyLine.list}. */
  readonly list: (filter?: WorkItemFilter) => Effect.Effect<WorkItem[], AssemblyLineError>;
  /** See {@link AssemblyLine.wipOf}. */
  readonly wipOf: (line: string) => Effect.Effect<number, AssemblyLineError>;
  /** See {@link AssemblyLine.wipLimitOf}. */
  readonly wipLimitOf: (line: string) => Effect.Effect<number | undefined, AssemblyLineError>;
  /** See {@link AssemblyLine.artifact}: succeeds with `undefined` for an unknown id. */
  readonly artifact: (id: string) => Effect.Effect<Artifact | undefined, AssemblyLineError>;
  /** See {@link AssemblyLine.artifactsOf}. */
  readonly artifactsOf: (itemId: string) => Effect.Effect<Artifact[], AssemblyLineError>;
  /** See {@link AssemblyLine.artifacts}. */
  readonly artifacts: Effect.Effect<Artifact[], AssemblyLineError>;
  /** See {@link AssemblyLine.traceLink}: succeeds with `undefined` for an unknown id. */
  readonly traceLink: (id: string) => Effect.Effect<TraceLink | undefined, AssemblyLineError>;
  /** See {@link AssemblyLine.linksOf}. */
  readonly linksOf: (ref: string) => Effect.Effect<TraceLink[], AssemblyLineError>;
  /** See {@link AssemblyLine.walk}. */
  readonly walk: (
    ref: string,
    direction?: WalkDirection,
  ) => Effect.Effect<ReturnType<AssemblyLine["walk"]>, AssemblyLineError>;
  /** See {@link AssemblyLine.trace}; fails with `NotFoundError` for an unknown item. */
  readonly trace: (itemId: string) => Effect.Effect<Trace, AssemblyLineError>;
  /** See {@link AssemblyLine.signal}: succeeds with `undefined` for an unknown id. */
  readonly signal: (id: string) => Effect.Effect<Signal | undefined, AssemblyLineError>;
  /** See {@link AssemblyLine.signals}. */
  readonly signals: (filter?: { readonly line?: string }) => Effect.Effect<Signal[], AssemblyLineError>;
  /** See {@link AssemblyLine.deployment}: succeeds with `undefined` for an unknown id. */
  readonly deployment: (id: string) => Effect.Effect<Deployment | undefined, AssemblyLineError>;
  /** See {@link AssemblyLine.deployments}. */
  readonly deployments: (filter?: DeploymentFilter) => Effect.Effect<Deployment[], AssemblyLineError>;
  /** See {@link AssemblyLine.incident}: succeeds with `undefined` for an unknown id. */
  readonly incident: (id: string) => Effect.Effect<Incident | undefined, AssemblyLineError>;
  /** See {@link AssemblyLine.incidents}. */
  readonly incidents: (filter?: IncidentFilter) => Effect.Effect<Incident[], AssemblyLineError>;
  /** See {@link AssemblyLine.suspectLinks}. */
  readonly suspectLinks: (scope?: {
    readonly item?: string;
    readonly line?: string;
  }) => Effect.Effect<TraceLink[], AssemblyLineError>;
  /** See {@link AssemblyLine.measures}. */
  readonly measures: (options: MeasureOptions) => Effect.Effect<AssemblyMeasures, AssemblyLineError>;
  /** Folds what other processes appended (see {@link AssemblyLine.refresh}). */
  readonly refresh: Effect.Effect<void, AssemblyLineError>;
}

/** Whether a thrown value is one of the typed errors of {@link AssemblyLineError}. */
const isAssemblyLineError: ErrorGuard<AssemblyLineError> = isKernelError(
  "ValidationError",
  "UnknownEventTypeError",
  "EventVersionError",
  "ConcurrencyConflictError",
  "IdempotencyConflictError",
  "StoreError",
  "ReadOnlyError",
  "ClosedError",
  "NotFoundError",
  "IllegalTransitionError",
  "EvidenceMissingError",
  "GateFailedError",
  "WipLimitError",
);

/** A write as an Effect: uninterruptible, so an interrupted write has landed or failed when the interruption returns. */
function write<A>(call: () => Promise<A>): Effect.Effect<A, AssemblyLineError> {
  return Effect.uninterruptible(attempt(call, isAssemblyLineError));
}

/** A read as an Effect: its typed errors failed, anything else a defect. */
function read<A>(call: () => Promise<A>): Effect.Effect<A, AssemblyLineError> {
  return attempt(call, isAssemblyLineError);
}

/** A synchronous read of the folded state as an Effect: its typed errors (a `ClosedError`, a `NotFoundError`) failed, anything else a defect. */
function readSync<A>(call: () => A): Effect.Effect<A, AssemblyLineError> {
  return attemptSync(call, isAssemblyLineError);
}

/** Wraps a Promise-face assembly line in the Effect shape. */
export function makeAssemblyLineShape(line: AssemblyLine): AssemblyLineShape {
  return {
    line,
    registerGate: (gate) =>
      Effect.asVoid(
        Effect.acquireRelease(
          readSync(() => line.registerGate(gate)),
          (unregister) => Effect.sync(unregister),
        ),
      ),
    createWorkItem: (input, options) => write(() => line.createWorkItem(input, options)),
    advance: (id, options) => write(() => line.advance(id, options)),
    sendBack: (id, input, options) => write(() => line.sendBack(id, input, options)),
    block: (id, input, options) => write(() => line.block(id, input, options)),
    unblock: (id, input, options) => write(() => line.unblock(id, input, options)),
    drop: (id, input, options) => write(() => line.drop(id, input, options)),
    complete: (id, options) => write(() => line.complete(id, options)),
    assign: (id, input, options) => write(() => line.assign(id, input, options)),
    recordArtifact: (input) => write(() => line.recordArtifact(input)),
    recordArtifacts: (inputs) => write(() => line.recordArtifacts(inputs)),
    link: (input) => write(() => line.link(input)),
    linkAll: (inputs) => write(() => line.linkAll(inputs)),
    reviewLink: (linkId, input, options) => write(() => line.reviewLink(linkId, input, options)),
    captureSignal: (input, options) => write(() => line.captureSignal(input, options)),
    routeSignal: (id, lineId, options) => write(() => line.routeSignal(id, lineId, options)),
    recordDeployment: (input, options) => write(() => line.recordDeployment(input, options)),
    openIncident: (input, options) => write(() => line.openIncident(input, options)),
    resolveIncident: (id, input) => write(() => line.resolveIncident(id, input)),
    get: (id) => readSync(() => line.get(id)),
    list: (filter) => readSync(() => line.list(filter)),
    wipOf: (lineId) => readSync(() => line.wipOf(lineId)),
    wipLimitOf: (lineId) => readSync(() => line.wipLimitOf(lineId)),
    artifact: (id) => readSync(() => line.artifact(id)),
    artifactsOf: (itemId) => readSync(() => line.artifactsOf(itemId)),
    artifacts: readSync(() => line.artifacts()),
    traceLink: (id) => readSync(() => line.traceLink(id)),
    linksOf: (ref) => readSync(() => line.linksOf(ref)),
    walk: (ref, direction) => readSync(() => line.walk(ref, direction)),
    trace: (itemId) => readSync(() => line.trace(itemId)),
    signal: (id) => readSync(() => line.signal(id)),
    signals: (filter) => readSync(() => line.signals(filter)),
    deployment: (id) => readSync(() => line.deployment(id)),
    deployments: (filter) => readSync(() => line.deployments(filter)),
    incident: (id) => readSync(() => line.incident(id)),
    incidents: (filter) => readSync(() => line.incidents(filter)),
    suspectLinks: (scope) => readSync(() => line.suspectLinks(scope)),
    measures: (options) => read(() => line.measures(options)),
    refresh: read(() => line.refresh()),
  };
}

/**
 * The assembly line as an Effect service.
 *
 * @example
 * ```ts
 * const program = Effect.gen(function* () {
 *   const work = yield* AssemblyLineService;
 *   const item = yield* work.createWorkItem({ line: "checkout", title: "Pay by link" });
 *   return yield* work.advance(item.id).pipe(
 *     Effect.catchTag("GateFailedError", (error) => Effect.succeed(error.findings)),
 *   );
 * });
 * const layer = AssemblyLineService.layer().pipe(Layer.provide(EventLogService.layer({ path: ".factory/factory.db" })));
 * await Effect.runPromise(Effect.provide(program, layer));
 * ```
 */
export class AssemblyLineService extends Context.Service<AssemblyLineService, AssemblyLineShape>()(
  "@software-factory/core/AssemblyLine",
) {
  /**
   * A layer that opens the assembly line over the log of
   * {@link EventLogService} and closes it with the layer. Opening fails with
   * a `ValidationError` for a bad pipeline, the log's typed error when
   * folding it fails, and a `StoreError` for anything else.
   *
   * Lines and operators are checked against `options.lines`, else against
   * the floor plan of the `FloorPlanService` (`@software-factory/floorplan`)
   * in the context when there is one, as `FactoryService.layer` does: a work
   * item on a line the plan lacks fails with `NotFoundError`. With neither,
   * every line and operator id is accepted.
   */
  static layer(
    options: Omit<OpenAssemblyLineOptions, "log"> = {},
  ): Layer.Layer<AssemblyLineService, AssemblyLineError, EventLogService> {
    return Layer.effect(
      AssemblyLineService,
      Effect.gen(function* () {
        const { log } = yield* EventLogService;
        const plan = yield* Effect.serviceOption(FloorPlanInContext);
        const lines = options.lines ?? (Option.isSome(plan) ? plan.value.floorPlan : undefined);
        const line = yield* Effect.acquireRelease(
          Effect.tryPromise({
            try: () => openAssemblyLine({ ...options, ...(lines === undefined ? {} : { lines }), log }),
            catch: asOpenError,
          }),
          (opened) => Effect.promise(() => opened.close()),
        );
        return makeAssemblyLineShape(line);
      }),
    );
  }
}

/**
 * The floor plan's service as this layer reads it: the key `FloorPlanService`
 * of `@software-factory/floorplan` is provided under, looked up by that key
 * because core cannot import the floor plan (which depends on core).
 * `packages/floorplan/test/FloorPlanServiceLookups.test.ts` opens this layer
 * over `FloorPlanService.layer` and checks that an unknown line is refused,
 * so a change of either key fails it.
 */
class FloorPlanInContext extends Context.Service<
  FloorPlanInContext,
  {
    /** The floor plan, a directory of its lines and operators. */
    readonly floorPlan: LineDirectory;
  }
>()("@software-factory/floorplan/FloorPlan") {}

/** A failure to open as a typed error: the kernel's own, else a `StoreError` saying what failed. */
function asOpenError(error: unknown): AssemblyLineError {
  if (isAssemblyLineError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError({ message: `could not open the assembly line: ${reason}`, cause: error });
}
