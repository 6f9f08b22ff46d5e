/**
 * One hnswlib-node graph of a vector index and the ids of its points. The
 * addon is loaded when the first point is added or a graph is read or
 * written, not when this module is imported.
 *
 * @module
 */
import type * as Hnswlib from "hnswlib-node";
import { loadHnswlib } from "./hnswlibAddon.js";
import type { ScoredId } from "./types.js";

/** Share of deleted entries above which a graph is rebuilt. */
const COMPACT_RATIO = 0.3;

/**
 * Vector components a step of {@link GraphShard.compaction} inserts before it
 * yields: 64 points of 256 dimensions, about 8 ms of CPU on a laptop core
 * (fewer points of longer vectors, which take longer each).
 */
const COMPACT_STEP_COMPONENTS = 16_384;

/** How a graph is built. */
export interface GraphSettings {
  readonly dimension: number;
  readonly m: number;
  readonly efConstruction: number;
  readonly seed: number;
}

/** The ids of a graph's points, as saved beside it. */
export interface ShardState {
  readonly labels: [string, number][];
  readonly deleted: number;
  readonly nextLabel: number;
}

/** An hnswlib-node graph and the ids of its points, numbered by labels that only grow. */
class LabelledGraph {
  readonly graph: Hnswlib.HierarchicalNSW;
  readonly labelOf: Map<string, number>;
  readonly idOf = new Map<number, string>();
  nextLabel = 0;
  deleted = 0;

  constructor(graph: Hnswlib.HierarchicalNSW, state?: ShardState) {
    this.graph = graph;
    this.labelOf = new Map(state?.labels);
    if (state !== undefined) {
      if (graph.getCurrentCount() !== state.nextLabel) {
        throw new Error(
          `the graph holds ${graph.getCurrentCount()} points but its ids list ${state.nextLabel}`,
        );
      }
      for (const [id, label] of state.labels) this.idOf.set(label, id);
      this.nextLabel = state.nextLabel;
      this.deleted = state.deleted;
    }
  }

  /** Adds the point of an id that is not in the graph. */
  add(id: string, point: number[]): void {
    if (this.graph.getCurrentCount() >= this.graph.getMaxElements()) {
      this.graph.resizeIndex(Math.max(1024, this.graph.getMaxElements() * 2));
    }
    const label = this.nextLabel;
    this.nextLabel += 1;
    this.graph.addPoint(point, label);
    this.labelOf.set(id, label);
    this.idOf.set(label, id);
  }

  /** Marks the point of an id deleted; returns whether it was here. */
  markRemoved(id: string): boolean {
    const label = this.labelOf.get(id);
    if (label === undefined) return false;
    this.graph.markDelete(label);
    this.labelOf.delete(id);
    this.idOf.delete(label);
    this.deleted += 1;
    return true;
  }
}

/**
 * A cosine HNSW graph over string ids. Points are numbered by labels that only
 * grow; removed ones are marked deleted, and once they pass 30% the graph can
 * be rebuilt without them in steps ({@link GraphShard.compaction}) while it
 * serves searches. An empty shard has no graph until its first point (or a
 * write) needs one, so it can be made, asked and searched without
 * hnswlib-node; adding, reading and writing a graph throw the `StoreError` of
 * {@link loadHnswlib} when the addon cannot be loaded.
 */
export class GraphShard {
  readonly #settings: GraphSettings;
  /** The graph searches walk; none while the shard is empty and nothing has needed one. */
  #live: LabelledGraph | undefined;
  /** The graph a compaction is building, kept up to date with every add and removal meanwhile. */
  #next: LabelledGraph | undefined;
  /** Reused to hand a vector to hnswlib-node, which takes plain arrays only. */
  readonly #point: number[];

  /** An empty graph, or the one already built in `graph` with the ids of `state`. */
  constructor(settings: GraphSettings, graph?: Hnswlib.HierarchicalNSW, state?: ShardState) {
    this.#settings = settings;
    this.#point = new Array<number>(settings.dimension).fill(0);
    this.#live = graph === undefined ? undefined : new LabelledGraph(graph, state);
  }

  /** Reads a graph written by {@link GraphShard.write}. */
  static read(path: string, settings: GraphSettings, state: ShardState): GraphShard {
    const graph = new (loadHnswlib().HierarchicalNSW)("cosine", settings.dimension);
    graph.readIndexSync(path);
    return new GraphShard(settings, graph, state);
  }

  /** Number of live points. */
  get size(): number {
    return this.#live?.labelOf.size ?? 0;
  }

  /** The ids of the points, as saved beside the graph. */
  get state(): ShardState {
    const live = this.#live;
    if (live === undefined) return { labels: [], deleted: 0, nextLabel: 0 };
    return { labels: [...live.labelOf], deleted: live.deleted, nextLabel: live.nextLabel };
  }

  /** Whether the deleted points pass 30% of the graph (and 256), so that it is due a {@link GraphShard.compaction}. */
  get compactionDue(): boolean {
    const deleted = this.#live?.deleted ?? 0;
    return deleted > COMPACT_RATIO * (this.size + deleted) && deleted > 256;
  }

  /** Whether an id is in this graph. */
  has(id: string): boolean {
    return this.#live?.labelOf.has(id) === true;
  }

  /** Adds the vector of an id that is not in the graph yet. */
  add(id: string, vector: ArrayLike<number>): void {
    const point = this.#toPoint(vector);
    this.#graph().add(id, point);
    this.#next?.add(id, point);
  }

  /** Marks an id deleted, without rebuilding the graph; returns whether it was here. */
  markRemoved(id: string): boolean {
    if (this.#live?.markRemoved(id) !== true) return false;
    this.#next?.markRemoved(id);
    return true;
  }

  /**
   * Rebuilds the graph from its live points, dropping the deleted ones, in
   * steps: the generator yields the points inserted since it last yielded
   * (about {@link COMPACT_STEP_COMPONENTS} vector components' worth), and
   * between steps the graph is used as before: searches walk the old graph,
   * adds and removals go to both. At the end the new graph replaces the old
   * one whole. Abandoned before its end (`return()`), it leaves the old
   * graph in place. One compaction at a time.
   */
  *compaction(): Generator<number, void, void> {
    const live = this.#graph();
    const ids = [...live.labelOf.keys()];
    const next = new LabelledGraph(emptyGraph(this.#settings, Math.max(1024, ids.length * 2)));
    this.#next = next;
    try {
      const perStep = Math.max(1, Math.floor(COMPACT_STEP_COMPONENTS / this.#settings.dimension));
      let inserted = 0;
      for (const id of ids) {
        const label = live.labelOf.get(id);
        // Removed since the compaction began, or added again (then `next` has its new vector).
        if (label === undefined || next.labelOf.has(id)) continue;
        next.add(id, live.graph.getPoint(label));
        inserted += 1;
        if (inserted === perStep) {
          yield inserted;
          inserted = 0;
        }
      }
      this.#live = next;
    } finally {
      this.#next = undefined;
    }
  }

  /** The nearest ids to a vector by cosine similarity, best first, walking the graph with `ef` candidates. */
  search(vector: ArrayLike<number>, limit: number, ef: number, filter?: (id: string) => boolean): ScoredId[] {
    const count = Math.min(limit, this.size);
    if (this.#live === undefined || count <= 0) return [];
    const { graph, idOf } = this.#live;
    graph.setEf(Math.max(ef, count));
    const result = graph.searchKnn(
      this.#toPoint(vector),
      count,
      filter === undefined
        ? (label: number) => idOf.has(label)
        : (label: number) => {
            const id = idOf.get(label);
            return id !== undefined && filter(id);
          },
    );
    return result.neighbors.map((label, rank) => ({
      id: idOf.get(label) as string,
      score: 1 - (result.distances[rank] as number),
    }));
  }

  /** The stored (unit-length) vector of an id, if it is here. */
  vectorOf(id: string): number[] | undefined {
    const label = this.#live?.labelOf.get(id);
    return label === undefined ? undefined : this.#live?.graph.getPoint(label);
  }

  /**
   * The graph and its ids as they are now, to be written off the calling
   * thread: the graph must get no adds or removals until the write ends (a
   * compaction meanwhile leaves it whole, replacing it with another).
   */
  writing(): { readonly state: ShardState; write(path: string): Promise<void> } {
    const { graph } = this.#graph();
    return {
      state: this.state,
      write: async (path) => {
        await graph.writeIndex(path);
      },
    };
  }

  /** Writes the graph (without its ids: see {@link GraphShard.state}). */
  write(path: string): void {
    this.#graph().graph.writeIndexSync(path);
  }

  /** The graph searches walk, made empty (loading hnswlib-node) when there is none yet. */
  #graph(): LabelledGraph {
    this.#live ??= new LabelledGraph(emptyGraph(this.#settings, 1024));
    return this.#live;
  }

  #toPoint(vector: ArrayLike<number>): number[] {
    const point = this.#point;
    for (let i = 0; i < point.length; i += 1) point[i] = vector[i] as number;
    return point;
  }
}

/** An empty cosine graph with room for `capacity` points. */
function emptyGraph(settings: GraphSettings, capacity: number): Hnswlib.HierarchicalNSW {
  const graph = new (loadHnswlib().HierarchicalNSW)("cosine", settings.dimension);
  graph.initIndex({
    maxElements: capacity,
    m: settings.m,
    efConstruction: settings.efConstruction,
    randomSeed: settings.seed,
  });
  return graph;
}
