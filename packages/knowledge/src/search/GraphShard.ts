/**
 * One hnswlib-node graph of a vector index and the ids of its points.
 *
 * @module
 */
import hnswlib from "hnswlib-node";
import type { ScoredId } from "./types.js";

/** Share of deleted entries above which a graph is rebuilt. */
const COMPACT_RATIO = 0.3;

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

/**
 * A cosine HNSW graph over string ids. Points are numbered by labels that only
 * grow; removed ones are marked deleted and the graph is rebuilt once they pass
 * 30%.
 */
export class GraphShard {
  readonly #settings: GraphSettings;
  #graph: hnswlib.HierarchicalNSW;
  #labelOf = new Map<string, number>();
  #idOf = new Map<number, string>();
  #nextLabel = 0;
  #deleted = 0;
  /** Reused to hand a vector to hnswlib-node, which takes plain arrays only. */
  readonly #point: number[];

  /** An empty graph, or the one already built in `graph` with the ids of `state`. */
  constructor(settings: GraphSettings, graph?: hnswlib.HierarchicalNSW, state?: ShardState) {
    this.#settings = settings;
    this.#point = new Array<number>(settings.dimension).fill(0);
    this.#graph = graph ?? emptyGraph(settings, 1024);
    if (state !== undefined) {
      if (this.#graph.getCurrentCount() !== state.nextLabel) {
        throw new Error(
          `the graph holds ${this.#graph.getCurrentCount()} points but its ids list ${state.nextLabel}`,
        );
      }
      this.#labelOf = new Map(state.labels);
      for (const [id, label] of state.labels) this.#idOf.set(label, id);
      this.#nextLabel = state.nextLabel;
      this.#deleted = state.deleted;
    }
  }

  /** Reads a graph written by {@link GraphShard.write}. */
  static read(path: string, settings: GraphSettings, state: ShardState): GraphShard {
    const graph = new hnswlib.HierarchicalNSW("cosine", settings.dimension);
    graph.readIndexSync(path);
    return new GraphShard(settings, graph, state);
  }

  /** Number of live points. */
  get size(): number {
    return this.#labelOf.size;
  }

  /** The ids of the points, as saved beside the graph. */
  get state(): ShardState {
    return { labels: [...this.#labelOf], deleted: this.#deleted, nextLabel: this.#nextLabel };
  }

  /** Whether an id is in this graph. */
  has(id: string): boolean {
    return this.#labelOf.has(id);
  }

  /** Adds the vector of an id that is not in the graph yet. */
  add(id: string, vector: ArrayLike<number>): void {
    if (this.#graph.getCurrentCount() >= this.#graph.getMaxElements()) {
      this.#graph.resizeIndex(Math.max(1024, this.#graph.getMaxElements() * 2));
    }
    const label = this.#nextLabel;
    this.#nextLabel += 1;
    this.#graph.addPoint(this.#toPoint(vector), label);
    this.#labelOf.set(id, label);
    this.#idOf.set(label, id);
  }

  /** Removes an id; returns whether it was here. */
  remove(id: string): boolean {
    const removed = this.markRemoved(id);
    if (removed) this.compactIfDue();
    return removed;
  }

  /**
   * Marks an id deleted without rebuilding the graph, whatever the share of
   * deletions; returns whether it was here. Call {@link GraphShard.compactIfDue}
   * after marking many, so the graph is rebuilt once, without them.
   */
  markRemoved(id: string): boolean {
    const label = this.#labelOf.get(id);
    if (label === undefined) return false;
    this.#graph.markDelete(label);
    this.#labelOf.delete(id);
    this.#idOf.delete(label);
    this.#deleted += 1;
    return true;
  }

  /** Rebuilds the graph when its deletions pass 30% (and 256). */
  compactIfDue(): void {
    if (this.#deleted > COMPACT_RATIO * (this.#labelOf.size + this.#deleted) && this.#deleted > 256)
      this.#compact();
  }

  /** The nearest ids to a vector by cosine similarity, best first, walking the graph with `ef` candidates. */
  search(vector: ArrayLike<number>, limit: number, ef: number, filter?: (id: string) => boolean): ScoredId[] {
    const count = Math.min(limit, this.#labelOf.size);
    if (count <= 0) return [];
    this.#graph.setEf(Math.max(ef, count));
    const result = this.#graph.searchKnn(
      this.#toPoint(vector),
      count,
      filter === undefined
        ? (label: number) => this.#idOf.has(label)
        : (label: number) => {
            const id = this.#idOf.get(label);
            return id !== undefined && filter(id);
          },
    );
    return result.neighbors.map((label, rank) => ({
      id: this.#idOf.get(label) as string,
      score: 1 - (result.distances[rank] as number),
    }));
  }

  /** The stored (unit-length) vector of an id, if it is here. */
  vectorOf(id: string): number[] | undefined {
    const label = this.#labelOf.get(id);
    return label === undefined ? undefined : this.#graph.getPoint(label);
  }

  /** Writes the graph (without its ids: see {@link GraphShard.state}). */
  write(path: string): void {
    this.#graph.writeIndexSync(path);
  }

  #toPoint(vector: ArrayLike<number>): number[] {
    const point = this.#point;
    for (let i = 0; i < point.length; i += 1) point[i] = vector[i] as number;
    return point;
  }

  /** Rebuilds the graph from the live vectors, dropping deleted ones. */
  #compact(): void {
    const live = [...this.#labelOf].map(([id, label]) => [id, this.#graph.getPoint(label)] as const);
    this.#graph = emptyGraph(this.#settings, Math.max(1024, live.length * 2));
    this.#labelOf.clear();
    this.#idOf.clear();
    this.#nextLabel = 0;
    this.#deleted = 0;
    for (const [id, point] of live) this.add(id, point);
  }
}

/** An empty cosine graph with room for `capacity` points. */
function emptyGraph(settings: GraphSettings, capacity: number): hnswlib.HierarchicalNSW {
  const graph = new hnswlib.HierarchicalNSW("cosine", settings.dimension);
  graph.initIndex({
    maxElements: capacity,
    m: settings.m,
    efConstruction: settings.efConstruction,
    randomSeed: settings.seed,
  });
  return graph;
}
