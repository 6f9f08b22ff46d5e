/**
 * The assembly line's read model, folded from the event log: work items (with
 * each line's WIP count), artifacts, signals, deployments, incidents and the
 * first write of each idempotency key. The trace links and their suspicion
 * live in `TraceGraph.ts`, which this state feeds the trace events and each
 * artifact's change; the signal events are folded in `signalFold.ts`, the
 * deployments and incidents in `productionFold.ts`.
 *
 * @module
 */
import type { EventData } from "../../EventRegistry.js";
import type { StoredEvent } from "../../EventStore.js";
import type { Artifact } from "../Artifact.js";
import {
  ArtifactRecorded,
  DeploymentRecorded,
  IncidentOpened,
  IncidentResolved,
  SignalCaptured,
  SignalResolved,
  SignalRouted,
  TraceLinked,
  TraceRestored,
  TraceReviewed,
  WorkAdvanced,
  WorkAssigned,
  WorkBlocked,
  WorkCompleted,
  WorkCreated,
  WorkDropped,
  WorkSentBack,
  WorkUnblocked,
} from "../assemblyEvents.js";
import type { PipelineConfig } from "../Pipeline.js";
import type { Deployment, Incident } from "../Production.js";
import type { Signal } from "../Signal.js";
import type { WorkItem } from "../WorkItem.js";
import { foldDeployment, foldIncidentOpened, foldIncidentResolved } from "./productionFold.js";
import { attachesSignal } from "./signalAttachments.js";
import { foldSignalCaptured, foldSignalResolved, foldSignalRouted } from "./signalFold.js";
import { listOf } from "./sortedLists.js";
import { TraceGraph, type TraceGraphData } from "./TraceGraph.js";
import { notBefore } from "./timestamps.js";

/** The events besides a work item's that record an idempotency key: a signal's capture, a deployment, an incident, a link's review. */
const KEYED_FACTS: ReadonlySet<string> = new Set([
  SignalCaptured.type,
  "deployment.recorded",
  "incident.opened",
  TraceReviewed.type,
]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ItemRecord extends Mutable<Omit<WorkItem, "contributors" | "signals">> {
  contributors: string[];
  signals: string[];
}
export interface SignalRecord extends Mutable<Omit<Signal, "workItems">> {
  workItems: string[];
}

/**
 * What the first write carrying an idempotency key did: the event type
 * (`work.created`, a move's, `signal.captured`, `deployment.recorded`,
 * `incident.opened` or `trace.reviewed`), its subject (the work item, signal,
 * deployment, incident or link), and the event's data, which a retried call
 * is compared with.
 */
export interface KeyedRequest {
  readonly type: string;
  readonly subject: string;
  readonly data: unknown;
  /** For a signal capture: the line it was routed to in the same write; absent when it was not. */
  readonly routedTo?: string;
}

/** Events that may wait for a saved state to be read; one more reads it. */
export const MAX_PENDING = 10_000;

/** What an {@link AssemblyState} holds besides what its pipeline gives (see the fields of the class). */
export interface AssemblyStateData {
  readonly items: Map<string, ItemRecord>;
  readonly artifacts: Map<string, Artifact>;
  readonly signals: Map<string, SignalRecord>;
  readonly deployments: Map<string, Deployment>;
  readonly incidents: Map<string, Omit<Incident, "blamedOn">>;
  readonly requests: Map<string, KeyedRequest>;
  readonly trace: TraceGraphData;
  readonly artifactsByItem: Map<string, string[]>;
  readonly attachingLinks: Map<string, { readonly item: string; readonly signal: string }>;
  readonly resolvedBy: Map<string, string>;
  readonly wip: Map<string, number>;
}

/**
 * The assembly line's read model: work items, artifacts, trace links and
 * signals folded from the log, with the indexes the commands and queries need.
 * Suspicion is derived in {@link AssemblyState.trace}, deterministically, from
 * artifact versions and reviews, so it is rebuilt exactly on every fold. Timestamps read in the
 * order of the events (`updatedAt` never before `createdAt`, a resolution
 * never before its opening), whatever the writers' clocks said.
 */
export class AssemblyState {
  #items!: Map<string, ItemRecord>;
  #artifacts!: Map<string, Artifact>;
  #signals!: Map<string, SignalRecord>;
  #deployments!: Map<string, Deployment>;
  #incidents!: Map<string, Omit<Incident, "blamedOn">>;
  #requests!: Map<string, KeyedRequest>;
  #trace!: TraceGraph;
  #artifactsByItem!: Map<string, string[]>;
  /** The links that attached a signal to a work item (see `signalAttachments.ts`), by id: reviewed obsolete, they detach it. */
  #attachingLinks!: Map<string, { readonly item: string; readonly signal: string }>;
  /** The work item whose delivery resolved each resolved signal: detached from it, the signal is no longer resolved. */
  #resolvedBy!: Map<string, string>;
  #wip!: Map<string, number>;
  readonly #wipStages: ReadonlySet<string>;
  readonly #deliveryStage: string | undefined;
  readonly #propagation: PipelineConfig["propagation"];
  /** Reads the saved state, until it is read (on first use); undefined once it is, or when there is none. */
  #saved: (() => AssemblyStateData) | undefined;
  /** Events folded before the saved state was read: applied, in log order, once it is. */
  #pending: StoredEvent[] = [];

  /**
   * An empty state of `pipeline`'s line, or one holding what `saved` reads
   * (the {@link AssemblyState.data} of a state folded before over the same
   * pipeline, read back from a snapshot). `saved` is called on first use:
   * the first read of a field or method, or once {@link MAX_PENDING} events
   * wait; events folded until then wait to be applied after it.
   */
  constructor(pipeline: PipelineConfig, saved?: () => AssemblyStateData) {
    this.#wipStages = new Set(pipeline.stages.filter((stage) => stage.wip).map((stage) => stage.name));
    this.#deliveryStage = pipeline.deliveryStage;
    this.#propagation = pipeline.propagation;
    if (saved === undefined) this.#adopt(undefined);
    else this.#saved = saved;
  }

  /** Work items by id, in the order they were created. */
  get items(): Map<string, ItemRecord> {
    return this.#ready().#items;
  }
  /** Latest version of each artifact by id. */
  get artifacts(): Map<string, Artifact> {
    return this.#ready().#artifacts;
  }
  /** Signals by id, in the order they were captured. */
  get signals(): Map<string, SignalRecord> {
    return this.#ready().#signals;
  }
  /** Deployments by id, in the order they were recorded. */
  get deployments(): Map<string, Deployment> {
    return this.#ready().#deployments;
  }
  /** Incidents by id, in the order they were opened; the reads add the deployment each is blamed on. */
  get incidents(): Map<string, Omit<Incident, "blamedOn">> {
    return this.#ready().#incidents;
  }
  /** The first write of each idempotency key, so a retried create or move returns instead of writing twice. */
  get requests(): Map<string, KeyedRequest> {
    return this.#ready().#requests;
  }
  /** The trace links between artifacts, work items and signals, and their suspicion. */
  get trace(): TraceGraph {
    return this.#ready().#trace;
  }

  /** Everything the state holds, the very maps (not copies), for a snapshot; what the pipeline gives is left out. */
  data(): AssemblyStateData {
    this.#ready();
    return {
      items: this.#items,
      artifacts: this.#artifacts,
      signals: this.#signals,
      deployments: this.#deployments,
      incidents: this.#incidents,
      requests: this.#requests,
      trace: this.#trace.data(),
      artifactsByItem: this.#artifactsByItem,
      attachingLinks: this.#attachingLinks,
      resolvedBy: this.#resolvedBy,
      wip: this.#wip,
    };
  }

  /** Folds one event, or keeps it for when the saved state is read. Unknown types are ignored. */
  apply(event: StoredEvent): void {
    if (this.#saved === undefined) {
      this.#fold(event);
      return;
    }
    this.#pending.push(event);
    // A process that never reads the line (a server that only searches) does not keep the log in memory.
    if (this.#pending.length >= MAX_PENDING) this.#ready();
  }

  /** Reads the saved state if it is not read yet and applies the events that waited for it. */
  #ready(): this {
    const saved = this.#saved;
    if (saved === undefined) return this;
    this.#saved = undefined;
    this.#adopt(saved());
    const pending = this.#pending;
    this.#pending = [];
    for (const event of pending) this.#fold(event);
    return this;
  }

  /** Takes the maps of `data`, or empty ones. */
  #adopt(data: AssemblyStateData | undefined): void {
    this.#trace = new TraceGraph(this.#propagation, data?.trace);
    this.#items = data?.items ?? new Map();
    this.#artifacts = data?.artifacts ?? new Map();
    this.#signals = data?.signals ?? new Map();
    this.#deployments = data?.deployments ?? new Map();
    this.#incidents = data?.incidents ?? new Map();
    this.#requests = data?.requests ?? new Map();
    this.#artifactsByItem = data?.artifactsByItem ?? new Map();
    this.#attachingLinks = data?.attachingLinks ?? new Map();
    this.#resolvedBy = data?.resolvedBy ?? new Map();
    this.#wip = data?.wip ?? new Map();
  }

  /** Folds one event into the state read. */
  #fold(event: StoredEvent): void {
    const request = (event.data as { request?: unknown } | undefined)?.request;
    if (typeof request === "string") this.#keyed(request, event);
    if (WorkCreated.is(event)) this.#created(event);
    else if (WorkAdvanced.is(event)) this.#moved(event, event.data.to);
    else if (WorkSentBack.is(event)) this.#sentBack(event);
    else if (WorkBlocked.is(event)) this.#setState(event, "blocked", event.data.reason);
    else if (WorkUnblocked.is(event)) this.#setState(event, "active", undefined);
    else if (WorkDropped.is(event)) this.#setState(event, "dropped", event.data.reason);
    else if (WorkCompleted.is(event)) this.#setState(event, "done", undefined);
    else if (WorkAssigned.is(event)) this.#assigned(event);
    else if (ArtifactRecorded.is(event)) this.#recorded(event);
    else if (TraceLinked.is(event)) this.#linked(event);
    else if (TraceReviewed.is(event)) this.#reviewed(event);
    else if (TraceRestored.is(event)) this.trace.restored(event);
    else if (SignalCaptured.is(event)) foldSignalCaptured(this.#signals, event);
    else if (SignalRouted.is(event)) foldSignalRouted(this.#signals, event);
    else if (SignalResolved.is(event)) foldSignalResolved(this.#signals, this.#resolvedBy, event);
    else if (DeploymentRecorded.is(event)) foldDeployment(this.#deployments, event);
    else if (IncidentOpened.is(event)) foldIncidentOpened(this.#incidents, this.#deployments, event);
    else if (IncidentResolved.is(event)) foldIncidentResolved(this.#incidents, event);
    else if (event.type.startsWith("work.")) this.#touch(event);
  }

  /**
   * Records the first write of an idempotency key: a work item's create or
   * move, a signal's capture (to which the routing written with it adds its
   * line), a deployment, an incident or a link's review.
   */
  #keyed(key: string, event: StoredEvent): void {
    const earlier = this.requests.get(key);
    if (earlier === undefined && (event.type.startsWith("work.") || KEYED_FACTS.has(event.type)))
      this.requests.set(key, { type: event.type, subject: event.subject, data: event.data });
    else if (
      SignalRouted.is(event) &&
      earlier?.type === SignalCaptured.type &&
      earlier.subject === event.subject
    )
      this.requests.set(key, { ...earlier, routedTo: event.data.line });
  }

  /** Items of a line counting toward its WIP limit (active or blocked, in a WIP stage). */
  wipOf(line: string): number {
    return this.#ready().#wip.get(line) ?? 0;
  }

  /** Latest versions of an item's artifacts, in recording order. */
  artifactsOf(itemId: string): Artifact[] {
    return (this.#ready().#artifactsByItem.get(itemId) ?? []).flatMap((id) => {
      const artifact = this.artifacts.get(id);
      return artifact === undefined ? [] : [artifact];
    });
  }

  /** Whether an id names something links may point at: an artifact, a work item or a signal. */
  exists(ref: string): boolean {
    return this.artifacts.has(ref) || this.items.has(ref) || this.signals.has(ref);
  }

  /** Fingerprint of an artifact's latest version, if the id names an artifact. */
  fingerprintOf(ref: string): string | undefined {
    return this.artifacts.get(ref)?.fingerprint;
  }

  #created(event: StoredEvent<EventData<typeof WorkCreated>>): void {
    const data = event.data;
    const stage = data.stages[0] as string;
    const item: ItemRecord = {
      id: event.subject,
      line: data.line,
      title: data.title,
      kind: data.kind,
      flow: data.flow,
      stages: data.stages,
      stage,
      state: "active",
      owner: data.owner,
      contributors: [...data.contributors],
      signals: [...data.signals],
      reason: undefined,
      sendBacks: 0,
      createdAt: event.at,
      updatedAt: event.at,
      stageEnteredAt: event.at,
      deliveredAt: stage === this.#deliveryStage ? event.at : undefined,
      closedAt: undefined,
      version: 1,
      position: event.seq,
    };
    this.items.set(item.id, item);
    this.#count(item, 1);
    for (const id of data.signals) this.signals.get(id)?.workItems.push(item.id);
  }

  /** Folds a link; an `addresses` link from a work item to a signal not attached to it yet attaches the signal. */
  #linked(event: StoredEvent<EventData<typeof TraceLinked>>): void {
    this.trace.linked(event);
    const { from, to } = event.data;
    const isItem = (id: string) => this.items.has(id);
    const isSignal = (id: string) => this.signals.has(id);
    if (!attachesSignal(event.data, isItem, isSignal)) return;
    const item = this.items.get(from) as ItemRecord;
    const signal = this.signals.get(to) as SignalRecord;
    if (item.signals.includes(to)) return;
    item.signals.push(to);
    signal.workItems.push(from);
    this.#attachingLinks.set(event.subject, { item: from, signal: to });
  }

  /** Folds a review; the verdict `obsolete` on a link that attached a signal detaches it. */
  #reviewed(event: StoredEvent<EventData<typeof TraceReviewed>>): void {
    this.trace.reviewed(event);
    const attached = this.#attachingLinks.get(event.subject);
    if (event.data.verdict !== "obsolete" || attached === undefined) return;
    this.#attachingLinks.delete(event.subject);
    const item = this.items.get(attached.item);
    const signal = this.signals.get(attached.signal);
    if (item !== undefined) item.signals = item.signals.filter((id) => id !== attached.signal);
    if (signal === undefined) return;
    signal.workItems = signal.workItems.filter((id) => id !== attached.item);
    if (this.#resolvedBy.get(signal.id) !== attached.item) return;
    this.#resolvedBy.delete(signal.id);
    signal.resolvedAt = undefined;
  }

  #touch(event: StoredEvent): ItemRecord | undefined {
    const item = this.items.get(event.subject);
    if (item === undefined) return undefined;
    item.version++;
    item.position = event.seq;
    item.updatedAt = notBefore(event.at, item.updatedAt);
    return item;
  }

  #moved(event: StoredEvent, to: string): ItemRecord | undefined {
    const item = this.#touch(event);
    if (item === undefined) return undefined;
    this.#count(item, -1);
    item.stage = to;
    item.stageEnteredAt = item.updatedAt;
    if (to === this.#deliveryStage && item.deliveredAt === undefined) item.deliveredAt = item.updatedAt;
    this.#count(item, 1);
    return item;
  }

  #sentBack(event: StoredEvent<EventData<typeof WorkSentBack>>): void {
    const item = this.#moved(event, event.data.to);
    if (item === undefined) return;
    item.sendBacks++;
    item.reason = event.data.reason;
  }

  #setState(event: StoredEvent, state: WorkItem["state"], reason: string | undefined): void {
    const item = this.#touch(event);
    if (item === undefined) return;
    this.#count(item, -1);
    item.state = state;
    item.reason = reason;
    if (state === "done" || state === "dropped") item.closedAt = item.updatedAt;
    if (state === "done" && item.deliveredAt === undefined) item.deliveredAt = item.updatedAt;
    this.#count(item, 1);
  }

  #assigned(event: StoredEvent<EventData<typeof WorkAssigned>>): void {
    const item = this.#touch(event);
    if (item === undefined) return;
    if (event.data.owner !== undefined) item.owner = event.data.owner;
    for (const operator of event.data.contributors) {
      if (!item.contributors.includes(operator)) item.contributors.push(operator);
    }
  }

  #count(item: ItemRecord, delta: number): void {
    if (item.state !== "active" && item.state !== "blocked") return;
    if (!this.#wipStages.has(item.stage)) return;
    this.#wip.set(item.line, (this.#wip.get(item.line) ?? 0) + delta);
  }

  #recorded(event: StoredEvent<EventData<typeof ArtifactRecorded>>): void {
    const data = event.data;
    const previous = this.artifacts.get(event.subject);
    const artifact: Artifact = {
      id: event.subject,
      kind: data.kind,
      title: data.title,
      fields: data.fields,
      workItem: data.workItem,
      line: data.line,
      stage: data.stage,
      version: data.version,
      fingerprint: data.fingerprint,
      recordedAt: previous === undefined ? event.at : notBefore(event.at, previous.recordedAt),
      recordedBy: event.actor,
    };
    this.artifacts.set(artifact.id, artifact);
    // An artifact is its latest version's work item's: one attached (or moved) by a later version is too.
    if (previous?.workItem !== data.workItem) {
      if (previous?.workItem !== undefined) {
        const list = this.#artifactsByItem.get(previous.workItem) ?? [];
        const at = list.indexOf(artifact.id);
        if (at >= 0) list.splice(at, 1);
      }
      if (data.workItem !== undefined) listOf(this.#artifactsByItem, data.workItem).push(artifact.id);
    }
    if (previous !== undefined && previous.fingerprint !== artifact.fingerprint) {
      this.trace.propagate(artifact, previous.fingerprint);
    }
  }
}
