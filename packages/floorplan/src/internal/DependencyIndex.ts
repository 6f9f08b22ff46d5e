import type { DependencyStep } from "../graphTypes.js";
import type { Criticality, DependencyKind } from "../model.js";

const CRITICALITIES: readonly Criticality[] = ["low", "low", "medium", "high"];

/** The rank of a criticality (1 low, 2 medium, 3 high). */
export function rankOfCriticality(criticality: Criticality): number {
  return criticality === "high" ? 3 : criticality === "medium" ? 2 : 1;
}

/** The criticality of a rank (1 low, 2 medium, 3 high). */
export function criticalityOfRank(rank: number): Criticality {
  return CRITICALITIES[rank] ?? "low";
}

/** A dependsOn edge as stored in the index. */
export interface IndexedEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: DependencyKind;
  readonly criticality: Criticality;
}

/** Result of a breadth-first reach over the dependency edges. */
export interface Reach {
  /** Node indices reached (starts excluded), in discovery order. */
  readonly reached: Int32Array;
  /** Distance of each node from the nearest start, -1 when not reached. */
  readonly distance: Int32Array;
  /** Edge that reached each node on its strongest shortest chain. */
  readonly parentEdge: Int32Array;
  /** Weakest criticality rank along that chain (1 low .. 3 high). */
  readonly chainRank: Uint8Array;
  /** Position of each reached node in `reached`. */
  readonly order: Int32Array;
  /** Set when a limit stopped the walk. */
  readonly cutoff?: { readonly by: "depth" | "limit"; readonly depth: number; readonly omitted: number };
}

/** The buffers a walk writes, allocated once per index and reused by every `reach`. */
interface ReachScratch {
  readonly distance: Int32Array;
  readonly parentEdge: Int32Array;
  readonly chainRank: Uint8Array;
  readonly order: Int32Array;
  /** Starts, then reached nodes level by level (and, past the end, scratch room for counting). */
  readonly queue: Int32Array;
}

/**
 * A compact, array-based copy of the line-to-line dependencies (compressed
 * sparse rows both ways), rebuilt when the graph changes, so traversals touch
 * typed arrays rather than the graph's objects.
 */
export class DependencyIndex {
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeRank: Uint8Array;
  readonly edgeKind: readonly DependencyKind[];
  readonly #outOffsets: Int32Array;
  readonly #outEdges: Int32Array;
  readonly #inOffsets: Int32Array;
  readonly #inEdges: Int32Array;
  readonly #steps: (DependencyStep | undefined)[];
  #scratch: ReachScratch | undefined;
  /** How many entries of the scratch queue the last walk wrote (their nodes are reset before the next walk). */
  #dirty = 0;

  constructor(ids: readonly string[], edges: readonly IndexedEdge[]) {
    this.ids = ids;
    const indexOf = new Map<string, number>();
    ids.forEach((id, index) => {
      indexOf.set(id, index);
    });
    this.indexOf = indexOf;
    const n = ids.length;
    const m = edges.length;
    this.edgeFrom = new Int32Array(m);
    this.edgeTo = new Int32Array(m);
    this.edgeRank = new Uint8Array(m);
    const kinds: DependencyKind[] = new Array(m);
    const outCount = new Int32Array(n + 1);
    const inCount = new Int32Array(n + 1);
    edges.forEach((edge, e) => {
      const from = indexOf.get(edge.from) ?? -1;
      const to = indexOf.get(edge.to) ?? -1;
      this.edgeFrom[e] = from;
      this.edgeTo[e] = to;
      this.edgeRank[e] = rankOfCriticality(edge.criticality);
      kinds[e] = edge.kind;
      if (from >= 0 && to >= 0) {
        outCount[from + 1] = (outCount[from + 1] ?? 0) + 1;
        inCount[to + 1] = (inCount[to + 1] ?? 0) + 1;
      }
    });
    this.edgeKind = kinds;
    this.#steps = new Array(m);
    for (let i = 0; i < n; i++) {
      outCount[i + 1] = (outCount[i + 1] ?? 0) + (outCount[i] ?? 0);
      inCount[i + 1] = (inCount[i + 1] ?? 0) + (inCount[i] ?? 0);
    }
    this.#outOffsets = outCount;
    this.#inOffsets = inCount;
    this.#outEdges = new Int32Array(outCount[n] ?? 0);
    this.#inEdges = new Int32Array(inCount[n] ?? 0);
    const outFill = outCount.slice(0, n);
    const inFill = inCount.slice(0, n);
    for (let e = 0; e < m; e++) {
      const from = this.edgeFrom[e] ?? -1;
      const to = this.edgeTo[e] ?? -1;
      if (from < 0 || to < 0) continue;
      const outAt = outFill[from] ?? 0;
      const inAt = inFill[to] ?? 0;
      this.#outEdges[outAt] = e;
      this.#inEdges[inAt] = e;
      outFill[from] = outAt + 1;
      inFill[to] = inAt + 1;
    }
  }

  /** Criticality of an edge. */
  criticality(edge: number): Criticality {
    return CRITICALITIES[this.edgeRank[edge] ?? 1] ?? "low";
  }

  /** Edges leaving (`out`: what the node depends on) or entering (`in`: its dependents) a node. */
  edgesOf(node: number, direction: "in" | "out"): Int32Array {
    const offsets = direction === "out" ? this.#outOffsets : this.#inOffsets;
    const edges = direction === "out" ? this.#outEdges : this.#inEdges;
    return edges.subarray(offsets[node] ?? 0, offsets[node + 1] ?? 0);
  }

  /** The node at the other end of an edge, seen from the given direction. */
  other(edge: number, direction: "in" | "out"): number {
    return (direction === "out" ? this.edgeTo[edge] : this.edgeFrom[edge]) ?? -1;
  }

  /** The edge as a step of a chain, built once per edge and shared (frozen) by every result that uses it. */
  step(edge: number): DependencyStep {
    let step = this.#steps[edge];
    if (step === undefined) {
      step = Object.freeze({
        from: this.ids[this.edgeFrom[edge] ?? -1] ?? "?",
        to: this.ids[this.edgeTo[edge] ?? -1] ?? "?",
        kind: this.edgeKind[edge] ?? "api",
        criticality: this.criticality(edge),
      });
      this.#steps[edge] = step;
    }
    return step;
  }

  /**
   * Breadth-first reach from the starts, level by level; among chains of the
   * same length the one whose weakest link is strongest wins. Stops at
   * `maxDepth` levels or `limit` reached nodes and says so in `cutoff`.
   *
   * The arrays of the result are views into buffers this index reuses: they
   * hold until the next `reach` on the same index, so read them before
   * calling it again (every caller is synchronous).
   */
  reach(starts: readonly number[], direction: "in" | "out", maxDepth: number, limit: number): Reach {
    const { distance, parentEdge, chainRank, order, queue } = this.#cleanScratch();
    let tail = 0;
    for (const start of starts) {
      if (distance[start] !== -1) continue;
      distance[start] = 0;
      chainRank[start] = 3;
      queue[tail++] = start;
    }
    const startCount = tail;
    const offsets = direction === "out" ? this.#outOffsets : this.#inOffsets;
    const edges = direction === "out" ? this.#outEdges : this.#inEdges;
    const ends = direction === "out" ? this.edgeTo : this.edgeFrom;
    // The queue holds the starts, then each level after the one before: the frontier is queue[head, levelEnd).
    let head = 0;
    let depth = 0;
    let cutoff: Reach["cutoff"];
    while (head < tail) {
      const levelEnd = tail;
      if (depth >= maxDepth) {
        const beyond = this.#countUnvisited(head, levelEnd, direction);
        if (beyond > 0) cutoff = { by: "depth", depth, omitted: beyond };
        break;
      }
      depth++;
      for (let at = head; at < levelEnd; at++) {
        const node = queue[at] ?? 0;
        const rank = chainRank[node] ?? 0;
        const end = offsets[node + 1] ?? 0;
        for (let slot = offsets[node] ?? 0; slot < end; slot++) {
          const edge = edges[slot] ?? 0;
          const other = ends[edge] ?? 0;
          const linkRank = Math.min(rank, this.edgeRank[edge] ?? 1);
          const seen = distance[other] ?? -1;
          if (seen === -1) {
            distance[other] = depth;
            parentEdge[other] = edge;
            chainRank[other] = linkRank;
            order[other] = tail - startCount;
            queue[tail++] = other;
          } else if (seen === depth && linkRank > (chainRank[other] ?? 0)) {
            parentEdge[other] = edge;
            chainRank[other] = linkRank;
          }
        }
      }
      if (tail - startCount > limit) {
        const keep = Math.max(0, limit - (levelEnd - startCount));
        this.#strongestFirst(levelEnd, tail);
        for (let at = levelEnd; at < tail; at++) {
          const node = queue[at] ?? 0;
          if (at < levelEnd + keep) order[node] = at - startCount;
          else distance[node] = -1;
        }
        cutoff = { by: "limit", depth, omitted: tail - levelEnd - keep };
        this.#dirty = tail;
        tail = levelEnd + keep;
        break;
      }
      head = levelEnd;
    }
    this.#dirty = Math.max(this.#dirty, tail);
    const reached = queue.subarray(startCount, tail);
    return cutoff === undefined
      ? { reached, distance, parentEdge, chainRank, order }
      : { reached, distance, parentEdge, chainRank, order, cutoff };
  }

  /** The chain of edges from a reached node back to its start, nearest edge first. */
  chain(reach: Reach, node: number, direction: "in" | "out"): number[] {
    const edges: number[] = [];
    let current = node;
    while ((reach.distance[current] ?? 0) > 0) {
      const edge = reach.parentEdge[current] ?? -1;
      if (edge < 0) break;
      edges.push(edge);
      current = direction === "in" ? (this.edgeTo[edge] ?? -1) : (this.edgeFrom[edge] ?? -1);
    }
    return edges;
  }

  /** Strongly connected components with more than one node, or a node that depends on itself. */
  cycles(): number[][] {
    const n = this.ids.length;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack: number[] = [];
    const components: number[][] = [];
    let counter = 0;
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1) continue;
      const work: [number, number][] = [[root, 0]];
      index[root] = low[root] = counter++;
      stack.push(root);
      onStack[root] = 1;
      while (work.length > 0) {
        const frame = work[work.length - 1] as [number, number];
        const [node, position] = frame;
        const edges = this.edgesOf(node, "out");
        if (position < edges.length) {
          frame[1]++;
          const next = this.edgeTo[edges[position] as number] ?? -1;
          if (index[next] === -1) {
            index[next] = low[next] = counter++;
            stack.push(next);
            onStack[next] = 1;
            work.push([next, 0]);
          } else if (onStack[next] === 1) {
            low[node] = Math.min(low[node] ?? 0, index[next] ?? 0);
          }
          continue;
        }
        work.pop();
        const parent = work[work.length - 1];
        if (parent !== undefined) low[parent[0]] = Math.min(low[parent[0]] ?? 0, low[node] ?? 0);
        if (low[node] === index[node]) {
          const component: number[] = [];
          let member: number;
          do {
            member = stack.pop() as number;
            onStack[member] = 0;
            component.push(member);
          } while (member !== node);
          const selfLoop =
            component.length === 1 &&
            [...this.edgesOf(node, "out")].some((edge) => this.edgeTo[edge] === node);
          if (component.length > 1 || selfLoop) components.push(component);
        }
      }
    }
    return components;
  }

  /** One cycle through the first node of a component, as node indices ending where it starts. */
  cycleThrough(component: readonly number[]): number[] {
    const members = new Set(component);
    const start = Math.min(...component);
    const parent = new Map<number, number>();
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      for (const edge of this.edgesOf(node, "out")) {
        const next = this.edgeTo[edge] ?? -1;
        if (next === start) {
          const path = [start];
          for (let at: number | undefined = node; at !== undefined && at !== start; at = parent.get(at))
            path.push(at);
          path.push(start);
          return path.reverse();
        }
        if (members.has(next) && !parent.has(next)) {
          parent.set(next, node);
          queue.push(next);
        }
      }
    }
    return [start, start];
  }

  /** The scratch buffers of `reach`, with the nodes the previous walk touched set back to unreached. */
  #cleanScratch(): ReachScratch {
    if (this.#scratch === undefined) {
      const n = this.ids.length;
      this.#scratch = {
        distance: new Int32Array(n).fill(-1),
        parentEdge: new Int32Array(n).fill(-1),
        chainRank: new Uint8Array(n),
        order: new Int32Array(n).fill(-1),
        queue: new Int32Array(n),
      };
    }
    const { distance, parentEdge, chainRank, order, queue } = this.#scratch;
    for (let at = 0; at < this.#dirty; at++) {
      const node = queue[at] ?? 0;
      distance[node] = -1;
      parentEdge[node] = -1;
      chainRank[node] = 0;
      order[node] = -1;
    }
    this.#dirty = 0;
    return this.#scratch;
  }

  /** Sorts queue[from, to) by chain rank, strongest first, then by node index, without a comparator function. */
  #strongestFirst(from: number, to: number): void {
    const { chainRank, queue } = this.#scratch as ReachScratch;
    const n = this.ids.length;
    for (let at = from; at < to; at++) {
      const node = queue[at] ?? 0;
      queue[at] = (3 - (chainRank[node] ?? 1)) * n + node;
    }
    queue.subarray(from, to).sort();
    for (let at = from; at < to; at++) queue[at] = (queue[at] ?? 0) % n;
  }

  /** Distinct unreached nodes one edge beyond the frontier queue[from, to), marked in place and unmarked after. */
  #countUnvisited(from: number, to: number, direction: "in" | "out"): number {
    const { distance, queue } = this.#scratch as ReachScratch;
    // Unreached nodes are not in the queue, so there is room for them after it.
    let marked = to;
    for (let at = from; at < to; at++) {
      for (const edge of this.edgesOf(queue[at] ?? 0, direction)) {
        const other = this.other(edge, direction);
        if ((distance[other] ?? -1) !== -1) continue;
        distance[other] = -2;
        queue[marked++] = other;
      }
    }
    for (let at = to; at < marked; at++) distance[queue[at] ?? 0] = -1;
    return marked - to;
  }
}
