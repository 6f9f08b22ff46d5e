/**
 * The read side of the assembly line: its state folded from the event log
 * (work items, artifacts, trace links, signals, and the history the measures
 * need), the synchronous reads over it (answered by `lineQueries.ts` and
 * `traceQueries.ts`), and following the log until closed. `AssemblyLine`
 * extends it with the commands that write.
 *
 * @module
 */
import { z } from "zod";
import { checkArguments } from "../../checkArguments.js";
import type { EventLog } from "../../EventLog.js";
import { NotFoundError, validationErrorFromZod } from "../../errors.js";
import type { Projection } from "../../Projection.js";
import { strictInput } from "../../strictInput.js";
import type { Artifact } from "../Artifact.js";
import type { AssemblyHistoryFolder } from "../AssemblyHistory.js";
import type { LineDirectory } from "../LineDirectory.js";
import type { MeasureOptions } from "../measureOptions.js";
import { type AssemblyMeasures, measureAssembly } from "../measures.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { Deployment, DeploymentFilter, Incident, IncidentFilter } from "../Production.js";
import type { Signal } from "../Signal.js";
import type { Trace } from "../Trace.js";
import type { TraceLink, WalkDirection } from "../TraceLink.js";
import { type WorkItem, type WorkItemFilter, WorkItemStateSchema } from "../WorkItem.js";
import type { AssemblyState } from "./AssemblyState.js";
import { Id, optional, required } from "./arguments.js";
import { invalid } from "./checks.js";
import { incidentBlame } from "./incidentBlame.js";
import { expectKnownLine } from "./knownLines.js";
import { expectKnownOperator } from "./knownOperators.js";
import { expectItem, getItem, getSignal, listItems, listSignals } from "./lineQueries.js";
import { quotedId } from "./quotedId.js";
import { scopedSuspectLinks, traceOf } from "./traceQueries.js";

/** Whether an assembly line is closed, shared by its reads and its commands. */
export class LineLifecycle {
  #closed = false;
  readonly #log: EventLog;

  /** A lifecycle of a line over `log`, whose `closedBy` a closed line says when it has one. */
  constructor(log: EventLog) {
    this.#log = log;
  }

  /** Marks the line closed: every later {@link LineLifecycle.assertOpen} throws. */
  close(): void {
    this.#closed = true;
  }

  /**
   * Refuses a call made after the line closed: its state no longer follows the log.
   *
   * @throws ClosedError when the line is closed.
   */
  assertOpen(): void {
    if (this.#closed) throw this.#log.closedError("the assembly line is closed");
  }
}

/**
 * The filters' keys and the types of their values: a misspelt key would
 * otherwise widen the answer silently, and a misspelt state (`activ`) or a
 * value of the wrong type (`open: "yes"`) would narrow it to nothing.
 */
const text = z.string().optional();
const WorkItemFilterKeys = strictInput({
  line: text,
  state: WorkItemStateSchema.optional(),
  stage: text,
  owner: text,
});
const SignalFilterKeys = strictInput({ line: text });
const SuspectScopeKeys = strictInput({ item: text, line: text });
const DeploymentFilterKeys = strictInput({ environment: text, line: text });
const IncidentFilterKeys = strictInput({ open: z.boolean().optional(), line: text });
const WalkDirectionSchema = z.enum(["upstream", "downstream", "both"]);

/** Throws the ValidationError naming a key of `filter` that `keys` does not take (and the keys it takes), or a value of the wrong type. */
function checkKeys(keys: z.ZodType, filter: unknown, subject: string): void {
  const checked = keys.safeParse(filter);
  if (!checked.success) throw validationErrorFromZod(checked.error.issues, { subject });
}

/**
 * Reads over the assembly line's folded state, kept current as events land
 * from this process or others; after `close()` every call fails with
 * `ClosedError`. The public face is `AssemblyLine`.
 */
export class AssemblyLineReads implements AsyncDisposable {
  readonly #state: AssemblyState;
  readonly #history: AssemblyHistoryFolder;
  readonly #projection: Projection;
  readonly #lifecycle: LineLifecycle;
  /** The lines and operators there are, to refuse a filter on a line there never was. */
  readonly #lines: LineDirectory | undefined;

  /** The validated pipeline configuration. */
  readonly pipeline: PipelineConfig;

  /**
   * Reads over `state` and `history`, which `projection` folds from the log,
   * refused once `lifecycle` is closed, whose line filters name lines of
   * `lines` or of the history. Not for direct use: see {@link openAssemblyLine}.
   */
  constructor(
    pipeline: PipelineConfig,
    state: AssemblyState,
    history: AssemblyHistoryFolder,
    projection: Projection,
    lifecycle: LineLifecycle,
    lines: LineDirectory | undefined,
  ) {
    this.pipeline = pipeline;
    this.#lines = lines;
    this.#lifecycle = lifecycle;
    this.#state = state;
    this.#history = history;
    this.#projection = projection;
  }

  /** Log position the state reflects. */
  get position(): number {
    return this.#projection.position;
  }

  /** Folds every event up to the log's head, including other processes' writes. */
  async refresh(): Promise<void> {
    this.#lifecycle.assertOpen();
    await this.#projection.catchUp();
  }

  /** A work item, if it exists. */
  get(id: string): WorkItem | undefined {
    this.#lifecycle.assertOpen();
    checkArguments("get", { id: [Id, id] });
    return getItem(this.#state, id);
  }

  /**
   * Work items matching a filter, oldest first.
   *
   * @throws ValidationError when the filter has an unknown key, a state that is none, or a stage the pipeline lacks.
   * @throws NotFoundError (field `line`) when the line is neither in the floor plan nor in the history (see {@link AssemblyLineReads.signals}).
   * @throws NotFoundError (field `owner`) when the owner is neither an operator of the floor plan nor the owner or a contributor of a work item: a mistyped owner would list nothing.
   */
  list(filter: WorkItemFilter = {}): WorkItem[] {
    this.#lifecycle.assertOpen();
    checkArguments("list", { filter: [optional("a work item filter"), filter] });
    checkKeys(WorkItemFilterKeys, filter, "work item filter");
    const stages = this.pipeline.stages.map((stage) => stage.name);
    if (filter.stage !== undefined && !stages.includes(filter.stage))
      throw invalid(
        "work item filter",
        "stage",
        `unknown stage "${filter.stage}"; stages: ${stages.join(", ")}`,
      );
    expectKnownLine(this.#lines, this.#state, "line", filter.line);
    expectKnownOperator(this.#lines, this.#state, "owner", filter.owner);
    return listItems(this.#state, filter);
  }

  /** Items of a line counting toward its WIP limit now. */
  wipOf(line: string): number {
    this.#lifecycle.assertOpen();
    checkArguments("wipOf", { line: [Id, line] });
    return this.#state.wipOf(line);
  }

  /** An artifact's latest version, if it exists. */
  artifact(id: string): Artifact | undefined {
    this.#lifecycle.assertOpen();
    checkArguments("artifact", { id: [Id, id] });
    return this.#state.artifacts.get(id);
  }

  /** Latest versions of a work item's artifacts, in recording order. */
  artifactsOf(itemId: string): Artifact[] {
    this.#lifecycle.assertOpen();
    checkArguments("artifactsOf", { itemId: [Id, itemId] });
    return this.#state.artifactsOf(itemId);
  }

  /**
   * Latest versions of every recorded artifact, in the order each was first
   * recorded: those of work items and those of none (an imported change set
   * without a work item, a requirement inferred from a codebase).
   */
  artifacts(): Artifact[] {
    this.#lifecycle.assertOpen();
    return [...this.#state.artifacts.values()];
  }

  /** A link, if it exists. */
  traceLink(id: string): TraceLink | undefined {
    this.#lifecycle.assertOpen();
    checkArguments("traceLink", { id: [Id, id] });
    return this.#state.trace.link(id);
  }

  /** Links with this artifact, item or signal at either end. */
  linksOf(ref: string): TraceLink[] {
    this.#lifecycle.assertOpen();
    checkArguments("linksOf", { ref: [Id, ref] });
    return this.#state.trace.linksOf(ref);
  }

  /**
   * Suspect links: factory-wide, of one work item (its own links and its
   * artifacts'), or of one line (its items' and artifacts').
   *
   * @throws NotFoundError (field `item`) when there is no such work item: a check that no link of a mistyped item is suspect would pass without looking.
   * @throws NotFoundError (field `line`) when the line is neither in the floor plan nor in the history, for the same reason (see {@link AssemblyLineReads.signals}).
   */
  suspectLinks(scope: { readonly item?: string; readonly line?: string } = {}): TraceLink[] {
    this.#lifecycle.assertOpen();
    checkArguments("suspectLinks", { scope: [optional("a scope ({ item, line })"), scope] });
    checkKeys(SuspectScopeKeys, scope, "suspect link scope");
    if (scope.item !== undefined && getItem(this.#state, scope.item) === undefined) {
      const id = scope.item;
      throw new NotFoundError({
        message: `item: no work item ${quotedId(id)}`,
        entity: "workItem",
        id,
        field: "item",
      });
    }
    expectKnownLine(this.#lines, this.#state, "line", scope.line);
    return scopedSuspectLinks(this.#state, scope);
  }

  /**
   * Walks trace links from an artifact, item or signal: `upstream` to what it
   * derives from, `downstream` to what derives from it.
   *
   * @throws ValidationError when the direction is none of those and `both`.
   */
  walk(
    ref: string,
    direction: WalkDirection = "both",
  ): {
    /** Every id reached (artifacts, items, signals) in the order reached, `ref` itself not included. */
    nodes: string[];
    /** The trace links followed to reach them. */
    links: TraceLink[];
  } {
    this.#lifecycle.assertOpen();
    checkArguments("walk", { ref: [Id, ref], direction: [WalkDirectionSchema, direction] });
    return this.#state.trace.walk([ref], direction);
  }

  /**
   * A work item's whole chain, both ways: the signals it came from, the
   * requirements, designs and standards upstream, and the code, tests,
   * releases and feedback downstream.
   *
   * @throws NotFoundError when there is no such item.
   */
  trace(itemId: string): Trace {
    this.#lifecycle.assertOpen();
    checkArguments("trace", { itemId: [Id, itemId] });
    const stages = this.pipeline.stages.map((stage) => stage.name);
    return traceOf(this.#state, stages, expectItem(this.#state, itemId));
  }

  /** A signal, if it exists. */
  signal(id: string): Signal | undefined {
    this.#lifecycle.assertOpen();
    checkArguments("signal", { id: [Id, id] });
    return getSignal(this.#state, id);
  }

  /**
   * Every signal, optionally of one line.
   *
   * A line filter (here and in every read that takes one) names a line of
   * the floor plan, or one the history names (a work item, signal, artifact,
   * deployment or incident of it), so a line retired from the floor plan
   * still answers with its history. Any other line is refused rather than
   * answered with nothing, which a check would pass on; with the floor plan
   * as it was last folded (`refresh()` first to see a line another process
   * added a moment ago). An assembly line opened without a directory of lines
   * accepts every line.
   *
   * @throws NotFoundError (entity `line`, field `line`) when the line is neither in the floor plan nor in the history; the message names the lines near it ("did you mean").
   */
  signals(filter: { readonly line?: string } = {}): Signal[] {
    this.#lifecycle.assertOpen();
    checkArguments("signals", { filter: [optional("a signal filter"), filter] });
    checkKeys(SignalFilterKeys, filter, "signal filter");
    expectKnownLine(this.#lines, this.#state, "line", filter.line);
    return listSignals(this.#state, filter);
  }

  /** A deployment, if it was recorded (as this process has read the log: `refresh()` first to see other processes' writes). */
  deployment(id: string): Deployment | undefined {
    this.#lifecycle.assertOpen();
    checkArguments("deployment", { id: [Id, id] });
    return this.#state.deployments.get(id);
  }

  /**
   * Every deployment, in the order recorded; optionally of one environment,
   * and of one line (those that name it: a deployment recorded without a
   * line is of none).
   *
   * @throws NotFoundError (field `line`) when the line is neither in the floor plan nor in the history (see {@link AssemblyLineReads.signals}).
   */
  deployments(filter: DeploymentFilter = {}): Deployment[] {
    this.#lifecycle.assertOpen();
    checkArguments("deployments", { filter: [optional("a deployment filter"), filter] });
    checkKeys(DeploymentFilterKeys, filter, "deployment filter");
    expectKnownLine(this.#lines, this.#state, "line", filter.line);
    const { environment, line } = filter;
    return [...this.#state.deployments.values()].filter(
      (d) =>
        (environment === undefined || d.environment === environment) &&
        (line === undefined || d.line === line),
    );
  }

  /** An incident, if it was opened, with its first resolution and the deployment it is blamed on. */
  incident(id: string): Incident | undefined {
    this.#lifecycle.assertOpen();
    checkArguments("incident", { id: [Id, id] });
    const incident = this.#state.incidents.get(id);
    return incident === undefined
      ? undefined
      : { ...incident, blamedOn: incidentBlame(this.#history.history)(id) };
  }

  /**
   * Every incident, in the order opened, with the deployment each is blamed
   * on; `open: true` keeps the unresolved ones, `open: false` the resolved
   * ones; `line` those of one line (named when opened, or their deployment's).
   *
   * @throws NotFoundError (field `line`) when the line is neither in the floor plan nor in the history (see {@link AssemblyLineReads.signals}).
   */
  incidents(filter: IncidentFilter = {}): Incident[] {
    this.#lifecycle.assertOpen();
    checkArguments("incidents", { filter: [optional("an incident filter"), filter] });
    checkKeys(IncidentFilterKeys, filter, "incident filter");
    expectKnownLine(this.#lines, this.#state, "line", filter.line);
    const { open, line } = filter;
    const blamedOn = incidentBlame(this.#history.history);
    return [...this.#state.incidents.values()]
      .filter(
        (i) =>
          (open === undefined || (i.resolvedAt === undefined) === open) &&
          (line === undefined || i.line === line),
      )
      .map((i) => ({ ...i, blamedOn: blamedOn(i.id) }));
  }

  /**
   * Yield, throughput, signal resolution and DORA measures over a window,
   * computed from the assembly events in the log (see {@link measureAssembly}).
   * The history they need is folded along with the line's state, so a call
   * only catches up and measures.
   *
   * @throws ValidationError when the options are invalid.
   * @throws NotFoundError (field `line`) when the line is neither in the floor plan nor in the history (see {@link AssemblyLineReads.signals}): a mistyped line would measure zero.
   * @throws NotFoundError (field `operator`) when the operator is neither in the floor plan nor has owned or worked on a work item, likewise.
   * @example
   * ```ts
   * const week = await line.measures({ from: "2026-03-02", to: "2026-03-09", line: "checkout" });
   * ```
   */
  async measures(options: MeasureOptions): Promise<AssemblyMeasures> {
    this.#lifecycle.assertOpen();
    checkArguments("measures", { options: [required("measure options (from, to)"), options] });
    await Promise.all([this.#projection.catchUp(), this.#lines?.refresh?.()]);
    const measures = measureAssembly(this.#history.history, options);
    // After the options are validated: a line of the wrong type is malformed, not unknown.
    expectKnownLine(this.#lines, this.#state, "line", options.line);
    // An owner a work item had before it was reassigned is measured too.
    const pastOwners = [...this.#history.history.items.values()].flatMap((item) =>
      item.owners.map((entry) => entry.owner),
    );
    expectKnownOperator(this.#lines, this.#state, "operator", options.operator, pastOwners);
    return measures;
  }

  /** Stops following the log (the log itself stays open); later calls fail with `ClosedError`. */
  async close(): Promise<void> {
    this.#lifecycle.close();
    await this.#projection.close();
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
