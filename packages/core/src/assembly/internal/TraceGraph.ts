/**
 * The trace links of the assembly line's read model: each link by id, indexed
 * by its upstream end, its downstream end and its ends and type, and the
 * suspicion they carry. Suspicion is derived here, deterministically, from
 * artifact versions and reviews: a changed artifact marks the links
 * downstream of it suspect (under the link types' propagation policy), a
 * review lifts it, and an artifact back at the fingerprint it had before the
 * change lifts the suspicion it caused. `AssemblyState` folds the events and
 * hands the trace ones, and each artifact's change, to this graph.
 *
 * @module
 */
import type { EventData } from "../../EventRegistry.js";
import type { StoredEvent } from "../../EventStore.js";
import type { Artifact } from "../Artifact.js";
import type { TraceLinked, TraceRestored, TraceReviewed } from "../assemblyEvents.js";
import type { Propagation } from "../Pipeline.js";
import type { SuspectCause, TraceLink, WalkDirection } from "../TraceLink.js";
import { listOf } from "./sortedLists.js";
import { notBefore } from "./timestamps.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A link as the graph holds it: mutable, so reviews and changes update it in place. */
export interface LinkRecord extends Mutable<Omit<TraceLink, "causes">> {
  causes: SuspectCause[];
}

/** A link's ends and type. */
export type Ends = Pick<TraceLink, "from" | "to" | "type">;

/** The links from `start` to `target`, read back from the link that reached each node. */
function pathTo(target: string, start: string, reachedBy: ReadonlyMap<string, Ends>): Ends[] {
  const path: Ends[] = [];
  for (let node = target; node !== start; ) {
    const link = reachedBy.get(node) as Ends;
    path.unshift({ from: link.from, to: link.to, type: link.type });
    node = link.from;
  }
  return path;
}

/** What a {@link TraceGraph} holds: its links, their indexes and their suspicion (see the fields of the class). */
export interface TraceGraphData {
  readonly links: Map<string, LinkRecord>;
  readonly dependents: Map<string, string[]>;
  readonly dependencies: Map<string, string[]>;
  readonly byEnds: Map<string, string[]>;
  readonly suspect: Set<string>;
  readonly impacts: Map<string, string[]>;
  readonly origins: Map<string, Map<string, string>>;
}

/** The trace links folded from the log, their indexes and their suspicion. */
export class TraceGraph {
  /** Every link by id, in the order they were made. */
  readonly links: Map<string, LinkRecord>;
  /** Links by their upstream end (`to`): what depends on a node. */
  readonly #dependents: Map<string, string[]>;
  /** Links by their downstream end (`from`): what a node depends on. */
  readonly #dependencies: Map<string, string[]>;
  /** Links by their ends and type, in the order they were made: a relink finds its link without reading the others. */
  readonly #byEnds: Map<string, string[]>;
  readonly #suspect: Set<string>;
  readonly #propagation: Readonly<Record<string, Propagation>>;
  /** The links the latest version of each artifact made suspect. */
  readonly #impacts: Map<string, string[]>;
  /**
   * Per artifact, the links it made suspect and not reviewed since, each with
   * the fingerprint the artifact had before the first of those changes: back
   * at it, the artifact no longer makes the link suspect.
   */
  readonly #origins: Map<string, Map<string, string>>;

  /**
   * A graph whose suspicion follows `propagation`, the pipeline's policy per
   * link type: empty, or holding what `saved` holds (the {@link TraceGraph.data}
   * of a graph folded before, read back from a snapshot).
   */
  constructor(propagation: Readonly<Record<string, Propagation>>, saved?: TraceGraphData) {
    this.#propagation = propagation;
    this.links = saved?.links ?? new Map();
    this.#dependents = saved?.dependents ?? new Map();
    this.#dependencies = saved?.dependencies ?? new Map();
    this.#byEnds = saved?.byEnds ?? new Map();
    this.#suspect = saved?.suspect ?? new Set();
    this.#impacts = saved?.impacts ?? new Map();
    this.#origins = saved?.origins ?? new Map();
  }

  /** Everything the graph holds, the very maps and sets (not copies), for a snapshot. */
  data(): TraceGraphData {
    return {
      links: this.links,
      dependents: this.#dependents,
      dependencies: this.#dependencies,
      byEnds: this.#byEnds,
      suspect: this.#suspect,
      impacts: this.#impacts,
      origins: this.#origins,
    };
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

  /**
   * The links of a shortest path up from `start` to `target` (each link's
   * `from` the one before's `to`), through the links not reviewed obsolete
   * and `more`, links about to be made, by their `from`; undefined when
   * `target` is not upstream of `start`. A link from `target` to `start`
   * would close a cycle through that path.
   */
  pathUp(start: string, target: string, more: ReadonlyMap<string, readonly Ends[]>): Ends[] | undefined {
    const reachedBy = new Map<string, Ends>();
    let frontier = [start];
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const node of frontier) {
        const made = (this.#dependencies.get(node) ?? []).flatMap((id) => {
          const record = this.links.get(id);
          return record === undefined || record.obsolete ? [] : [record];
        });
        for (const link of [...made, ...(more.get(node) ?? [])]) {
          if (link.to === start || reachedBy.has(link.to)) continue;
          reachedBy.set(link.to, link);
          if (link.to === target) return pathTo(target, start, reachedBy);
          next.push(link.to);
        }
      }
      frontier = next;
    }
    return undefined;
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

  /**
   * Marks every link downstream of a changed artifact suspect, hop by hop,
   * under the link types' policy; `from` is the fingerprint it changed from.
   */
  propagate(artifact: Artifact, from: string): void {
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

  /** Folds a new link: not suspect, verified against the upstream fingerprint it records. */
  linked(event: StoredEvent<EventData<typeof TraceLinked>>): void {
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
    listOf(this.#dependencies, link.from).push(link.id);
    listOf(this.#dependents, link.to).push(link.id);
    listOf(this.#byEnds, endsKey(link.from, link.to, link.type)).push(link.id);
  }

  /** Folds a review: the link is no longer suspect, verified anew, and obsolete with that verdict. */
  reviewed(event: StoredEvent<EventData<typeof TraceReviewed>>): void {
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
  restored(event: StoredEvent<EventData<typeof TraceRestored>>): void {
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
}

/** The key of a link's ends and type in the index relinks read. */
function endsKey(from: string, to: string, type: string): string {
  return JSON.stringify([from, to, type]);
}
