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
import type { PipelineConfig, Propagation } from "../Pipeline.js";
import type { Deployment, Incident } from "../Production.js";
import type { Signal } from "../Signal.js";
import type { SuspectCause, TraceLink, WalkDirection } from "../TraceLink.js";
import type { WorkItem } from "../WorkItem.js";
import { notBefore } from "./timestamps.js";

/** The events besides a work item's that record an idempotency key: a signal's capture, a deployment, an incident, a link's review. */
const KEYED_FACTS: ReadonlySet<string> = new Set([
  SignalCaptured.type,
  "deployment.recorded",
  "incident.opened",
  TraceReviewed.type,
]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface LinkRecord extends Mutable<Omit<TraceLink, "causes">> {
  causes: SuspectCause[];
}
interface ItemRecord extends Mutable<Omit<WorkItem, "contributors" | "signals">> {
  contributors: string[];
  signals: string[];
}
interface SignalRecord extends Mutable<Omit<Signal, "workItems">> {
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

/**
 * The assembly line's read model: work items, artifacts, trace links and
 * signals folded from the log, with the indexes the commands and queries need.
 * Suspicion is derived here, deterministically, from artifact versions and
 * reviews, so it is rebuilt exactly on every fold. Timestamps read in the
 * order of the events (`updatedAt` never before `createdAt`, a resolution
 * never before its opening), whatever the writers' clocks said.
 */
export class AssemblyState {
  readonly items = new Map<string, ItemRecord>();
  readonly artifacts = new Map<string, Artifact>();
  readonly links = new Map<string, LinkRecord>();
  readonly signals = new Map<string, SignalRecord>();
  /** Deployments by id, in the order they were recorded. */
  readonly deployments = new Map<string, Deployment>();
  /** Incidents by id, in the order they were opened. */
  readonly incidents = new Map<string, Incident>();
  /** The first write of each idempotency key, so a retried create or move returns instead of writing twice. */
  readonly requests = new Map<string, KeyedRequest>();
  readonly #artifactsByItem = new Map<string, string[]>();
  /** Links by their upstream end (`to`): what depends on a node. */
  readonly #dependents = new Map<string, string[]>();
  /** Links by their downstream end (`from`): what a node depends on. */
  readonly #dependencies = new Map<string, string[]>();
  /** Links by their ends and type, in the order they were made: a relink finds its link without reading the others. */
  readonly #byEnds = new Map<string, string[]>();
  readonly #suspect = new Set<string>();
  readonly #wip = new Map<string, number>();
  readonly #wipStages: ReadonlySet<string>;
  readonly #propagation: Readonly<Record<string, Propagation>>;
  readonly #deliveryStage: string | undefined;
  /** The links the latest version of each artifact made suspect. */
  readonly #impacts = new Map<string, string[]>();
  /**
   * Per artifact, the links it made suspect and not reviewed since, each with
   * the fingerprint the artifact had before the first of those changes: back
   * at it, the artifact no longer makes the link suspect.
   */
  readonly #origins = new Map<string, Map<string, string>>();

  constructor(pipeline: PipelineConfig) {
    this.#wipStages = new Set(pipeline.stages.filter((stage) => stage.wip).map((stage) => stage.name));
    this.#propagation = pipeline.propagation;
    this.#deliveryStage = pipeline.deliveryStage;
  }

  /** Folds one event. Unknown types are ignored. */
  apply(event: StoredEvent): void {
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
    else if (TraceRestored.is(event)) this.#restored(event);
    else if (SignalCaptured.is(event)) this.#captured(event);
    else if (SignalRouted.is(event)) this.#routed(event);
    else if (SignalResolved.is(event)) this.#resolved(event);
    else if (DeploymentRecorded.is(event)) this.#deployed(event);
    else if (IncidentOpened.is(event)) this.#incidentOpened(event);
    else if (IncidentResolved.is(event)) this.#incidentResolved(event);
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

  #deployed(event: StoredEvent<EventData<typeof DeploymentRecorded>>): void {
    const { environment, status, workItems, remediates, line, version } = event.data;
    this.deployments.set(event.subject, {
      id: event.subject,
      environment,
      status,
      workItems: [...workItems],
      remediates: [...remediates],
      line,
      version,
      recordedAt: event.at,
      recordedBy: event.actor,
    });
  }

  /** An incident that names no line hurts its deployment's, when that deployment names one. */
  #incidentOpened(event: StoredEvent<EventData<typeof IncidentOpened>>): void {
    const { deployment } = event.data;
    this.incidents.set(event.subject, {
      id: event.subject,
      title: event.data.title,
      severity: event.data.severity,
      deployment,
      line:
        event.data.line ?? (deployment === undefined ? undefined : this.deployments.get(deployment)?.line),
      openedAt: event.at,
      openedBy: event.actor,
      resolvedAt: undefined,
      resolvedBy: undefined,
      resolution: undefined,
    });
  }

  /** The first resolution of an incident restores service; a later one (logs written before resolving once) changes nothing. */
  #incidentResolved(event: StoredEvent<EventData<typeof IncidentResolved>>): void {
    const incident = this.incidents.get(event.subject);
    if (incident === undefined || incident.resolvedAt !== undefined) return;
    this.incidents.set(event.subject, {
      ...incident,
      resolvedAt: notBefore(event.at, incident.openedAt),
      resolvedBy: event.actor,
      resolution: event.data.note,
    });
  }

  /** Items of a line counting toward its WIP limit (active or blocked, in a WIP stage). */
  wipOf(line: string): number {
    return this.#wip.get(line) ?? 0;
  }

  /** Latest versions of an item's artifacts, in recording order. */
  artifactsOf(itemId: string): Artifact[] {
    return (this.#artifactsByItem.get(itemId) ?? []).flatMap((id) => {
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

  /** A snapshot of a link. */
  link(id: string): TraceLink | undefined {
    const record = this.links.get(id);
    return record === undefined ? undefined : { ...record, causes: [...record.causes] };
  }

  /** Snapshots of the links an artifact's latest version made suspect (and the artifact still does). */
  impactOf(artifactId: string): TraceLink[] {
    const origins = this.#origins.get(artifactId);
    return (this.#impacts.get(artifactId) ?? []).flatMap((id) =>
      origins?.has(id) === true ? [this.link(id) as TraceLink] : [],
    );
  }

  /** The fingerprints an artifact had before the changes that made links suspect: back at one, it restores them. */
  suspicionOrigins(artifactId: string): ReadonlySet<string> {
    return new Set(this.#origins.get(artifactId)?.values());
  }

  /** Whether a change of the artifact would make a link suspect: a link to it that is not obsolete and carries suspicion. */
  hasDependents(artifactId: string): boolean {
    return (this.#dependents.get(artifactId) ?? []).some((id) => {
      const link = this.links.get(id);
      return link !== undefined && !link.obsolete && this.#propagation[link.type] !== "none";
    });
  }

  /** Every suspect link, or those touching the given nodes. */
  suspectLinks(nodes?: ReadonlySet<string>): TraceLink[] {
    const out: TraceLink[] = [];
    for (const id of this.#suspect) {
      const record = this.links.get(id);
      if (record === undefined) continue;
      if (nodes !== undefined && !nodes.has(record.from) && !nodes.has(record.to)) continue;
      out.push({ ...record, causes: [...record.causes] });
    }
    return out;
  }

  /** The first link from `from` to `to` of this type that is not obsolete, if any. */
  liveLink(from: string, to: string, type: string): TraceLink | undefined {
    const id = (this.#byEnds.get(endsKey(from, to, type)) ?? []).find(
      (candidate) => this.links.get(candidate)?.obsolete === false,
    );
    return id === undefined ? undefined : this.link(id);
  }

  /** Links with this node at either end. */
  linksOf(ref: string): TraceLink[] {
    const ids = [...(this.#dependencies.get(ref) ?? []), ...(this.#dependents.get(ref) ?? [])];
    return ids.map((id) => this.link(id) as TraceLink);
  }

  /**
   * Walks trace links from a node: `upstream` follows links to what it derives
   * from, `downstream` to what derives from it. Returns the nodes reached (not
   * the start) in breadth-first order and the links crossed.
   */
  walk(
    starts: readonly string[],
    direction: WalkDirection,
    maxDepth = Number.POSITIVE_INFINITY,
  ): { nodes: string[]; links: TraceLink[] } {
    const seen = new Set(starts);
    const crossed = new Set<string>();
    const nodes: string[] = [];
    const links: TraceLink[] = [];
    const walkOne = (up: boolean) => {
      let frontier = [...starts];
      for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
        const next: string[] = [];
        for (const node of frontier) {
          for (const id of (up ? this.#dependencies : this.#dependents).get(node) ?? []) {
            const record = this.links.get(id);
            if (record === undefined) continue;
            if (!crossed.has(id)) {
              crossed.add(id);
              links.push(this.link(id) as TraceLink);
            }
            const other = up ? record.to : record.from;
            if (!seen.has(other)) {
              seen.add(other);
              nodes.push(other);
              next.push(other);
            }
          }
        }
        frontier = next;
      }
    };
    if (direction !== "downstream") walkOne(true);
    if (direction !== "upstream") walkOne(false);
    return { nodes, links };
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
      if (data.workItem !== undefined) push(this.#artifactsByItem, data.workItem, artifact.id);
    }
    if (previous !== undefined && previous.fingerprint !== artifact.fingerprint) {
      this.#propagate(artifact, previous.fingerprint);
    }
  }

  /** Marks every link downstream of a changed artifact suspect, hop by hop, under the link types' policy. */
  #propagate(artifact: Artifact, from: string): void {
    const marked: string[] = [];
    const seen = new Set<string>([artifact.id]);
    let frontier = [artifact.id];
    for (let hops = 1; frontier.length > 0; hops++) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const id of this.#dependents.get(node) ?? []) {
          const link = this.links.get(id);
          if (link === undefined || link.obsolete) continue;
          const policy = this.#propagation[link.type] ?? "transitive";
          if (policy === "none") continue;
          link.causes.push({
            artifact: artifact.id,
            from,
            to: artifact.fingerprint,
            version: artifact.version,
            hops,
            at: notBefore(artifact.recordedAt, link.createdAt),
          });
          link.suspect = true;
          this.#suspect.add(id);
          marked.push(id);
          const origins = this.#origins.get(artifact.id);
          if (origins === undefined) this.#origins.set(artifact.id, new Map([[id, from]]));
          else if (!origins.has(id)) origins.set(id, from);
          if (policy === "transitive" && !seen.has(link.from)) {
            seen.add(link.from);
            next.push(link.from);
          }
        }
      }
      frontier = next;
    }
    this.#impacts.set(artifact.id, marked);
  }

  #linked(event: StoredEvent<EventData<typeof TraceLinked>>): void {
    const data = event.data;
    const link: LinkRecord = {
      id: event.subject,
      from: data.from,
      to: data.to,
      type: data.type,
      verifiedFingerprint: data.fingerprint,
      suspect: false,
      causes: [],
      obsolete: false,
      createdAt: event.at,
    };
    this.links.set(link.id, link);
    push(this.#dependencies, link.from, link.id);
    push(this.#dependents, link.to, link.id);
    push(this.#byEnds, endsKey(link.from, link.to, link.type), link.id);
  }

  #reviewed(event: StoredEvent<EventData<typeof TraceReviewed>>): void {
    const link = this.links.get(event.subject);
    if (link === undefined) return;
    for (const cause of link.causes) this.#origins.get(cause.artifact)?.delete(link.id);
    link.suspect = false;
    link.causes = [];
    this.#suspect.delete(link.id);
    if (event.data.to !== undefined) link.verifiedFingerprint = event.data.to;
    if (event.data.verdict === "obsolete") link.obsolete = true;
  }

  /** Lifts the artifact's suspicion from each link it made suspect starting from the fingerprint it is back at. */
  #restored(event: StoredEvent<EventData<typeof TraceRestored>>): void {
    const origins = this.#origins.get(event.subject);
    if (origins === undefined) return;
    for (const [id, origin] of origins) {
      const link = this.links.get(id);
      if (origin !== event.data.fingerprint || link === undefined) continue;
      origins.delete(id);
      link.causes = link.causes.filter((cause) => cause.artifact !== event.subject);
      if (link.causes.length > 0) continue;
      link.suspect = false;
      this.#suspect.delete(id);
    }
  }

  #captured(event: StoredEvent<EventData<typeof SignalCaptured>>): void {
    const data = event.data;
    this.signals.set(event.subject, {
      id: event.subject,
      text: data.text,
      source: data.source,
      customer: data.customer,
      severity: data.severity,
      capturedBy: event.actor,
      capturedAt: event.at,
      line: undefined,
      firstRoutedAt: undefined,
      routedAt: undefined,
      routedBy: undefined,
      workItems: [],
      resolvedAt: undefined,
    });
  }

  #routed(event: StoredEvent<EventData<typeof SignalRouted>>): void {
    const signal = this.signals.get(event.subject);
    if (signal === undefined) return;
    const at = notBefore(event.at, signal.routedAt ?? signal.capturedAt);
    signal.line = event.data.line;
    signal.firstRoutedAt ??= at;
    signal.routedAt = at;
    signal.routedBy = event.actor;
  }

  #resolved(event: StoredEvent): void {
    const signal = this.signals.get(event.subject);
    if (signal !== undefined && signal.resolvedAt === undefined)
      signal.resolvedAt = notBefore(event.at, signal.capturedAt);
  }
}

/** The key of a link's ends and type in the index relinks read. */
function endsKey(from: string, to: string, type: string): string {
  return JSON.stringify([from, to, type]);
}

function push(index: Map<string, string[]>, key: string, value: string): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else list.push(value);
}
