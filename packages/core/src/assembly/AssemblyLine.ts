/**
 * The assembly line: work items moving through the pipeline's stages, their
 * artifacts and trace links, signals, deployments and incidents, and the
 * measures over them. This module is the public face: it parses inputs and
 * hands the work to `internal/`, where `LineWriter.ts` writes (catch up,
 * decide against the latest state, append with optimistic concurrency,
 * retry), `moves.ts` decides work item moves, `artifactDecisions.ts` artifact
 * versions and trace links, `traceQueries.ts` answers trace questions, and
 * `fieldEvents.ts` handles signals, deployments and incidents.
 *
 * @module
 */
import { z } from "zod";
import type { EventLog } from "../EventLog.js";
import { NotFoundError } from "../errors.js";
import { newId } from "../ids.js";
import { type Projection, startProjection } from "../Projection.js";
import type { Artifact } from "./Artifact.js";
import { type AssemblyHistoryFolder, createHistoryFolder } from "./AssemblyHistory.js";
import { ASSEMBLY_EVENT_TYPES, assemblyEvents } from "./assemblyEvents.js";
import type { Gate } from "./Gate.js";
import {
  type AssignInput,
  AssignInputSchema,
  type CaptureSignalInput,
  CaptureSignalInputSchema,
  type CreateWorkItemInput,
  CreateWorkItemInputSchema,
  type LinkInput,
  type MoveOptions,
  MoveOptionsSchema,
  type OpenIncidentInput,
  OpenIncidentInputSchema,
  parseInput,
  type ReasonInput,
  ReasonInputSchema,
  type RecordArtifactInput,
  type RecordDeploymentInput,
  RecordDeploymentInputSchema,
  type ReviewInput,
  ReviewInputSchema,
  type SendBackInput,
  SendBackInputSchema,
} from "./inputs.js";
import { AssemblyState } from "./internal/AssemblyState.js";
import {
  artifactEvents,
  linkEvents,
  parseArtifacts,
  parseLinks,
  reviewEvent,
} from "./internal/artifactDecisions.js";
import {
  checkDeployment,
  checkIncident,
  copySignal,
  expectIncident,
  expectSignal,
  signalEvents,
} from "./internal/fieldEvents.js";
import { LineWriter } from "./internal/LineWriter.js";
import {
  advanceEvents,
  assignEvents,
  blockEvents,
  completeEvents,
  createEvents,
  dropEvents,
  flowOf,
  type MoveContext,
  sendBackEvents,
  snapshot,
  unblockEvents,
} from "./internal/moves.js";
import { scopedSuspectLinks, traceOf } from "./internal/traceQueries.js";
import type { LineDirectory } from "./LineDirectory.js";
import { type AssemblyMeasures, type MeasureOptions, measureAssembly } from "./measures.js";
import { DEFAULT_PIPELINE, type PipelineConfig, type PipelineInput, parsePipeline } from "./Pipeline.js";
import type { Signal } from "./Signal.js";
import type { TraceLink, WalkDirection } from "./TraceLink.js";
import { LineIdSchema, type WorkItem, type WorkItemState } from "./WorkItem.js";

/** Options of {@link openAssemblyLine}. */
export interface OpenAssemblyLineOptions {
  /** The factory's event log; the assembly events are registered on it. */
  readonly log: EventLog;
  /** Pipeline configuration; {@link DEFAULT_PIPELINE} when omitted. Validated. */
  readonly pipeline?: PipelineInput;
  /** Owners and WIP limits of lines (the floor plan satisfies this). */
  readonly lines?: LineDirectory;
  /** Gates run before an item enters a stage. */
  readonly gates?: readonly Gate[];
  /** Actor of this line's writes when a call names none; the log's actor otherwise. */
  readonly actor?: string;
  /** How many times a move is retried when other writes land between its decision and its append (default 50). */
  readonly maxRetries?: number;
}

/** Filter of {@link AssemblyLine.list}. */
export interface WorkItemFilter {
  readonly line?: string;
  readonly state?: WorkItemState;
  readonly stage?: string;
  readonly owner?: string;
}

/** Result of {@link AssemblyLine.recordArtifact}. */
export interface RecordedArtifact {
  /** The artifact's latest version. */
  readonly artifact: Artifact;
  /** Whether a new version was written (false when the content was identical). */
  readonly changed: boolean;
  /** Links this version made suspect: the impact set of the change. */
  readonly suspected: readonly TraceLink[];
}

/** A work item's chain, from the signals it came from to operational feedback. */
export interface Trace {
  /** The item. */
  readonly item: WorkItem;
  /** Signals it came from. */
  readonly signals: readonly Signal[];
  /** Every artifact reached: the item's own and those linked up- or downstream, in pipeline stage order. */
  readonly artifacts: readonly Artifact[];
  /** Every link crossed. */
  readonly links: readonly TraceLink[];
  /** Ids reached walking upstream (sources: requirements, standards, signals). */
  readonly upstream: readonly string[];
  /** Ids reached walking downstream (consequences: code, tests, releases, feedback). */
  readonly downstream: readonly string[];
}

/**
 * Work items moving through the pipeline's stages, their artifacts and trace
 * links, folded from the event log and kept current as events land from this
 * process or others. Moves are checked (state, evidence, WIP limit, gates)
 * against the latest state and appended with the log's optimistic concurrency:
 * of two writers moving the same item from the same version, exactly one wins.
 *
 * Reads are synchronous over the folded state; call {@link AssemblyLine.refresh}
 * to include events other processes wrote a moment ago.
 *
 * Create it with {@link openAssemblyLine}.
 */
export class AssemblyLine implements AsyncDisposable {
  readonly #state: AssemblyState;
  readonly #history: AssemblyHistoryFolder;
  readonly #projection: Projection;
  readonly #gates: Gate[];
  readonly #moves: MoveContext;
  readonly #writer: LineWriter;

  /** The validated pipeline configuration. */
  readonly pipeline: PipelineConfig;

  /**
   * Use {@link openAssemblyLine}.
   *
   * @internal
   */
  constructor(
    log: EventLog,
    pipeline: PipelineConfig,
    state: AssemblyState,
    history: AssemblyHistoryFolder,
    projection: Projection,
    options: OpenAssemblyLineOptions,
  ) {
    this.pipeline = pipeline;
    this.#state = state;
    this.#history = history;
    this.#projection = projection;
    this.#gates = [...(options.gates ?? [])];
    this.#writer = new LineWriter({
      log,
      projection,
      state,
      actor: options.actor,
      maxRetries: options.maxRetries ?? 50,
    });
    this.#moves = {
      pipeline,
      state,
      lines: options.lines,
      gates: this.#gates,
      actor: options.actor,
      wipLimitOf: (line) => this.wipLimitOf(line),
      failGate: (item, to, findings, actor) => this.#writer.failGate(item, to, findings, actor),
    };
  }

  /** Log position the state reflects. */
  get position(): number {
    return this.#projection.position;
  }

  /** Folds every event up to the log's head, including other processes' writes. */
  async refresh(): Promise<void> {
    await this.#projection.catchUp();
  }

  /**
   * Registers a gate, run before items enter its stages.
   *
   * @returns a function that unregisters it.
   */
  registerGate(gate: Gate): () => void {
    this.#gates.push(gate);
    return () => {
      const index = this.#gates.indexOf(gate);
      if (index !== -1) this.#gates.splice(index, 1);
    };
  }

  // ---- work items ---------------------------------------------------------

  /**
   * Creates a work item in the first stage of its flow, owned by the line's owner unless `owner` is given.
   *
   * @throws ValidationError when the input is invalid, the flow unknown or a signal does not exist.
   * @throws WipLimitError when the flow starts in a WIP stage and the line is full (pass `overrideWip`).
   * @example
   * ```ts
   * const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", kind: "feature", flow: "tiny" });
   * ```
   */
  async createWorkItem(input: CreateWorkItemInput, options: MoveOptions = {}): Promise<WorkItem> {
    const data = parseInput(CreateWorkItemInputSchema, input, "work item");
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    const { flow, stages } = flowOf(this.pipeline, data.flow);
    const id = newId("wi");
    await this.#writer.retrying(async (head) => {
      const events = createEvents(this.#moves, id, data, flow, stages, opts);
      await this.#writer.appendMove(events, head, opts);
    });
    return this.get(id) as WorkItem;
  }

  /**
   * Moves an item to the next stage of its flow, after checking its state, the
   * evidence needed to leave its stage, the line's WIP limit and the gates of the next stage.
   *
   * @throws NotFoundError when there is no such item.
   * @throws IllegalTransitionError when it is not active or already at its flow's last stage.
   * @throws EvidenceMissingError when its stage needs a change set or passing test evidence it lacks.
   * @throws WipLimitError when entering a WIP stage would pass the line's limit (pass `overrideWip`).
   * @throws GateFailedError with every finding when a gate refuses; the failure is recorded.
   * @throws ConcurrencyConflictError when another writer moved the item first.
   */
  async advance(id: string, options: MoveOptions = {}): Promise<WorkItem> {
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    return this.#writer.move(id, "advance", opts, (item) => advanceEvents(this.#moves, item, opts));
  }

  /**
   * Sends an item back to an earlier stage of its flow for rework, with a reason and a cause.
   *
   * @throws ValidationError when the reason is missing or the target stage is not earlier in its flow.
   * @throws IllegalTransitionError when it is not active or at its flow's first stage.
   * @throws WipLimitError when going back into the WIP stages would pass the line's limit.
   */
  async sendBack(id: string, input: SendBackInput, options: MoveOptions = {}): Promise<WorkItem> {
    const data = parseInput(SendBackInputSchema, input, "send back");
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    return this.#writer.move(id, "sendBack", opts, (item) => sendBackEvents(this.#moves, item, data, opts));
  }

  /**
   * Blocks an active item, with a reason.
   *
   * @throws IllegalTransitionError when it is not active.
   */
  async block(id: string, input: ReasonInput, options: MoveOptions = {}): Promise<WorkItem> {
    const data = parseInput(ReasonInputSchema, input, "block");
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    return this.#writer.move(id, "block", opts, (item) => blockEvents(item, data));
  }

  /**
   * Lets a blocked item move again.
   *
   * @throws IllegalTransitionError when it is not blocked.
   */
  async unblock(
    id: string,
    input: { readonly reason?: string } = {},
    options: MoveOptions = {},
  ): Promise<WorkItem> {
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    return this.#writer.move(id, "unblock", opts, (item) => unblockEvents(item, input));
  }

  /**
   * Abandons an active or blocked item, with a reason.
   *
   * @throws IllegalTransitionError when it is done or dropped already.
   */
  async drop(id: string, input: ReasonInput, options: MoveOptions = {}): Promise<WorkItem> {
    const data = parseInput(ReasonInputSchema, input, "drop");
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    return this.#writer.move(id, "drop", opts, (item) => dropEvents(item, data));
  }

  /**
   * Completes an item at the last stage of its flow, once the evidence that stage needs is there.
   *
   * @throws IllegalTransitionError when it is not active or not at its flow's last stage.
   * @throws EvidenceMissingError when the last stage needs evidence the item lacks.
   */
  async complete(id: string, options: MoveOptions = {}): Promise<WorkItem> {
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    return this.#writer.move(id, "complete", opts, (item) => completeEvents(this.#moves, item));
  }

  /**
   * Changes an item's owner or adds contributors.
   *
   * @throws IllegalTransitionError when it is done or dropped.
   */
  async assign(id: string, input: AssignInput, options: MoveOptions = {}): Promise<WorkItem> {
    const data = parseInput(AssignInputSchema, input, "assign");
    const opts = parseInput(MoveOptionsSchema, options, "move options");
    return this.#writer.move(id, "assign", opts, (item) => assignEvents(item, data));
  }

  /** A work item, if it exists. */
  get(id: string): WorkItem | undefined {
    const item = this.#state.items.get(id);
    return item === undefined ? undefined : snapshot(item);
  }

  /** Work items matching a filter, oldest first. */
  list(filter: WorkItemFilter = {}): WorkItem[] {
    const out: WorkItem[] = [];
    for (const item of this.#state.items.values()) {
      if (filter.line !== undefined && item.line !== filter.line) continue;
      if (filter.state !== undefined && item.state !== filter.state) continue;
      if (filter.stage !== undefined && item.stage !== filter.stage) continue;
      if (filter.owner !== undefined && item.owner !== filter.owner) continue;
      out.push(snapshot(item));
    }
    return out;
  }

  /** Items of a line counting toward its WIP limit now. */
  wipOf(line: string): number {
    return this.#state.wipOf(line);
  }

  /** A line's WIP limit: the line directory's, else the pipeline's for the line, else its default. */
  wipLimitOf(line: string): number | undefined {
    return (
      this.#moves.lines?.wipLimitOf(line) ?? this.pipeline.wipLimits[line] ?? this.pipeline.defaultWipLimit
    );
  }

  // ---- artifacts and trace links ------------------------------------------

  /**
   * Records an artifact, or a new version of one when `id` exists and its
   * content differs. A new fingerprint makes every link downstream of it
   * suspect (transitively, under the pipeline's per-link-type policy);
   * formatting-only changes make a new version with the same fingerprint.
   * Change sets and test evidence have their fields checked.
   *
   * @throws ValidationError when the input or an evidence field is invalid, or the work item does not exist.
   * @example
   * ```ts
   * const { suspected } = await line.recordArtifact({ id: "REQ-4", kind: "requirement", title: "Login", fields: { body } });
   * ```
   */
  async recordArtifact(input: RecordArtifactInput): Promise<RecordedArtifact> {
    const [recorded] = await this.recordArtifacts([input]);
    return recorded as RecordedArtifact;
  }

  /**
   * Records several artifacts in one atomic append: all land or none does.
   * Unchanged ones are left out, as with {@link AssemblyLine.recordArtifact};
   * an id given twice is recorded in order (the second as the next version).
   * The batch is written as the first input's actor (else the line's).
   *
   * @throws ValidationError naming the index of the first bad input.
   */
  async recordArtifacts(inputs: readonly RecordArtifactInput[]): Promise<RecordedArtifact[]> {
    const parsed = parseArtifacts(inputs);
    let changed: boolean[] = [];
    await this.#writer.retrying(async (head) => {
      const decided = artifactEvents(this.#state, parsed);
      changed = decided.changed;
      if (decided.events.length > 0) {
        await this.#writer.appendAt(decided.events, head, parsed[0]?.actor);
      }
    });
    return parsed.map((data, index) => {
      const artifact = this.#state.artifacts.get(data.id) as Artifact;
      const didChange = changed[index] === true;
      return { artifact, changed: didChange, suspected: didChange ? this.#state.impactOf(data.id) : [] };
    });
  }

  /** An artifact's latest version, if it exists. */
  artifact(id: string): Artifact | undefined {
    return this.#state.artifacts.get(id);
  }

  /** Latest versions of a work item's artifacts, in recording order. */
  artifactsOf(itemId: string): Artifact[] {
    return this.#state.artifactsOf(itemId);
  }

  /**
   * Links `from` (downstream) to `to` (upstream), recording the upstream fingerprint it is verified against.
   * Ends may be artifacts, work items or signals.
   *
   * @throws ValidationError when the input is invalid or an end does not exist.
   * @example
   * ```ts
   * await line.link({ from: design.id, to: "REQ-4", type: "derivesFrom" });
   * ```
   */
  async link(input: LinkInput): Promise<TraceLink> {
    const [link] = await this.linkAll([input]);
    return link as TraceLink;
  }

  /**
   * Makes several links in one atomic append: all land or none does. The
   * batch is written as the first input's actor (else the line's).
   *
   * @throws ValidationError naming the index of the first bad input or missing end.
   */
  async linkAll(inputs: readonly LinkInput[]): Promise<TraceLink[]> {
    const parsed = parseLinks(inputs);
    const ids = parsed.map(() => newId("link"));
    await this.#writer.retrying(async (head) => {
      const events = linkEvents(this.#state, parsed, ids);
      if (events.length > 0) {
        await this.#writer.appendAt(events, head, parsed[0]?.actor);
      }
    });
    return ids.map((id) => this.#state.link(id) as TraceLink);
  }

  /**
   * Reviews a link: records who, the fingerprint it was verified against and
   * the upstream's current one, and the verdict (`keep`, `adapted`, `obsolete`).
   * The link is no longer suspect; an obsolete link no longer carries suspicion.
   *
   * @throws NotFoundError when there is no such link.
   */
  async reviewLink(linkId: string, input: ReviewInput): Promise<TraceLink> {
    const data = parseInput(ReviewInputSchema, input, "link review");
    await this.#writer.retrying(async (head) => {
      await this.#writer.appendAt(reviewEvent(this.#state, linkId, data), head, data.actor);
    });
    return this.#state.link(linkId) as TraceLink;
  }

  /** A link, if it exists. */
  traceLink(id: string): TraceLink | undefined {
    return this.#state.link(id);
  }

  /** Links with this artifact, item or signal at either end. */
  linksOf(ref: string): TraceLink[] {
    return this.#state.linksOf(ref);
  }

  /**
   * Suspect links: factory-wide, of one work item (its own links and its
   * artifacts'), or of one line (its items' and artifacts').
   */
  suspectLinks(scope: { readonly item?: string; readonly line?: string } = {}): TraceLink[] {
    return scopedSuspectLinks(this.#state, scope);
  }

  /**
   * Walks trace links from an artifact, item or signal: `upstream` to what it
   * derives from, `downstream` to what derives from it.
   */
  walk(ref: string, direction: WalkDirection = "both"): { nodes: string[]; links: TraceLink[] } {
    return this.#state.walk([ref], direction);
  }

  /**
   * A work item's whole chain, both ways: the signals it came from, the
   * requirements, designs and standards upstream, and the code, tests,
   * releases and feedback downstream.
   *
   * @throws NotFoundError when there is no such item.
   */
  trace(itemId: string): Trace {
    const item = this.get(itemId);
    if (item === undefined)
      throw new NotFoundError({ message: `no work item "${itemId}"`, entity: "workItem", id: itemId });
    return traceOf(
      this.#state,
      this.pipeline.stages.map((stage) => stage.name),
      item,
    );
  }

  // ---- signals --------------------------------------------------------------

  /**
   * Captures a customer signal, routing it to a line at once when `line` is given.
   *
   * @throws ValidationError when the input is invalid.
   */
  async captureSignal(input: CaptureSignalInput): Promise<Signal> {
    const data = parseInput(CaptureSignalInputSchema, input, "signal");
    const id = newId("sig");
    const events = signalEvents(id, data);
    await this.#writer.append(events, data.actor);
    return this.signal(id) as Signal;
  }

  /**
   * Routes a signal to a line.
   *
   * @throws ValidationError when the line id is invalid.
   * @throws NotFoundError when there is no such signal.
   */
  async routeSignal(id: string, line: string, options: { readonly actor?: string } = {}): Promise<Signal> {
    parseInput(z.object({ line: LineIdSchema }), { line }, "signal routing");
    await this.#projection.catchUp();
    expectSignal(this.#state, id);
    await this.#writer.append({ type: "signal.routed", subject: id, data: { line } }, options.actor);
    return this.signal(id) as Signal;
  }

  /** A signal, if it exists. */
  signal(id: string): Signal | undefined {
    const signal = this.#state.signals.get(id);
    return signal === undefined ? undefined : copySignal(signal);
  }

  /** Every signal, optionally of one line. */
  signals(filter: { readonly line?: string } = {}): Signal[] {
    return [...this.#state.signals.values()]
      .filter((signal) => filter.line === undefined || signal.line === filter.line)
      .map(copySignal);
  }

  // ---- deployments and incidents ----------------------------------------------

  /**
   * Records a deployment and the work items it shipped; with `remediates`, an
   * unplanned deployment made to fix incidents. Feeds the DORA measures.
   *
   * @returns the deployment id (`dep_...`).
   * @throws ValidationError when the input is invalid or a work item or incident does not exist.
   */
  async recordDeployment(input: RecordDeploymentInput = {}): Promise<string> {
    const data = parseInput(RecordDeploymentInputSchema, input, "deployment");
    await this.#projection.catchUp();
    checkDeployment(this.#state, data);
    const id = newId("dep");
    const { actor, ...event } = data;
    await this.#writer.append({ type: "deployment.recorded", subject: id, data: event }, actor);
    return id;
  }

  /**
   * Opens an incident in production, caused by a deployment when known.
   *
   * @returns the incident id (`inc_...`).
   * @throws ValidationError when the input is invalid or the deployment does not exist.
   */
  async openIncident(input: OpenIncidentInput): Promise<string> {
    const data = parseInput(OpenIncidentInputSchema, input, "incident");
    await this.#projection.catchUp();
    checkIncident(this.#state, data);
    const id = newId("inc");
    const { actor, ...event } = data;
    await this.#writer.append({ type: "incident.opened", subject: id, data: event }, actor);
    return id;
  }

  /**
   * Resolves an incident: service is restored.
   *
   * @throws NotFoundError when there is no such incident.
   */
  async resolveIncident(
    id: string,
    input: { readonly note?: string; readonly actor?: string } = {},
  ): Promise<void> {
    await this.#projection.catchUp();
    expectIncident(this.#state, id);
    await this.#writer.append(
      { type: "incident.resolved", subject: id, data: input.note === undefined ? {} : { note: input.note } },
      input.actor,
    );
  }

  // ---- measures -------------------------------------------------------------

  /**
   * Yield, throughput, signal resolution and DORA measures over a window,
   * computed from the assembly events in the log (see {@link measureAssembly}).
   * The history they need is folded along with the line's state, so a call
   * only catches up and measures.
   *
   * @throws ValidationError when the options are invalid.
   * @example
   * ```ts
   * const week = await line.measures({ from: "2026-03-02", to: "2026-03-09", line: "checkout" });
   * ```
   */
  async measures(options: MeasureOptions): Promise<AssemblyMeasures> {
    await this.#projection.catchUp();
    return measureAssembly(this.#history.history, options);
  }

  /** Stops following the log. Does not close the log. */
  async close(): Promise<void> {
    await this.#projection.close();
  }

  /** Same as {@link AssemblyLine.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens the assembly line over a factory's event log: registers the assembly
 * events, validates the pipeline, folds the log into work items, artifacts and
 * links, and follows new events live.
 *
 * @throws ValidationError when the pipeline configuration is invalid.
 * @example
 * ```ts
 * const log = await openEventLog({ path: ".factory/factory.db" });
 * const line = await openAssemblyLine({ log, lines: { ownerOf: () => "alice", wipLimitOf: () => 3 } });
 * const item = await line.createWorkItem({ line: "checkout", title: "Pay by link" });
 * await line.advance(item.id);
 * ```
 */
export async function openAssemblyLine(options: OpenAssemblyLineOptions): Promise<AssemblyLine> {
  const pipeline = parsePipeline(options.pipeline ?? DEFAULT_PIPELINE);
  options.log.registry.register(...assemblyEvents);
  const state = new AssemblyState(pipeline);
  const history = createHistoryFolder(pipeline);
  const projection = await startProjection(options.log, {
    types: ASSEMBLY_EVENT_TYPES,
    apply: (event) => {
      state.apply(event);
      history.apply(event);
    },
    pageSize: 5000,
  });
  return new AssemblyLine(options.log, pipeline, state, history, projection, options);
}
