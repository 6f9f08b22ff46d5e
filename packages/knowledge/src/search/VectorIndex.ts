/**
 * Approximate nearest-neighbour index over hnswlib-node (cosine), persisted
 * next to the store.
 *
 * @module
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import hnswlib from "hnswlib-node";
import type { Embedder, IndexSearchOptions, ScoredId } from "./types.js";

/** Options of a {@link VectorIndex}. */
export interface VectorIndexOptions {
  /** Connections per node (default 16). */
  readonly m?: number;
  /**
   * Candidate list size while building (default 64: on the retrieval sets of the
   * knowledge benchmark it gives the nDCG@10 of 200 within 0.002, and builds
   * 100,000 vectors about 3x faster).
   */
  readonly efConstruction?: number;
  /** Candidate list size while searching (default 100; raised to the limit when smaller). */
  readonly efSearch?: number;
}

/** Share of deleted entries above which the graph is rebuilt. */
const COMPACT_RATIO = 0.3;

interface Sidecar {
  readonly version: 1;
  readonly embedderId: string;
  readonly dimension: number;
  readonly labels: [string, number][];
  readonly deleted: number;
  readonly nextLabel: number;
  readonly meta: unknown;
}

/**
 * A cosine HNSW index over string ids for vectors of one embedder. Re-adding an
 * id replaces its vector; removed entries are marked deleted and the graph is
 * rebuilt once deletions pass 30%. Saved as two files: `<path>` (the graph) and
 * `<path>.json` (ids, embedder identity and caller metadata such as the log
 * position it reflects); an index refuses vectors of a different embedder.
 */
export class VectorIndex {
  readonly embedderId: string;
  readonly dimension: number;
  readonly #options: Required<VectorIndexOptions>;
  #graph: hnswlib.HierarchicalNSW;
  #labelOf = new Map<string, number>();
  #idOf = new Map<number, string>();
  #nextLabel = 0;
  #deleted = 0;

  /** An empty index for vectors of `embedder`. */
  constructor(embedder: Pick<Embedder, "id" | "dimension">, options: VectorIndexOptions = {}) {
    this.embedderId = embedder.id;
    this.dimension = embedder.dimension;
    this.#options = {
      m: options.m ?? 16,
      efConstruction: options.efConstruction ?? 64,
      efSearch: options.efSearch ?? 100,
    };
    this.#graph = this.#emptyGraph(1024);
  }

  /** Number of live entries. */
  get size(): number {
    return this.#labelOf.size;
  }

  /** Whether an id is indexed. */
  has(id: string): boolean {
    return this.#labelOf.has(id);
  }

  /** Adds or replaces the vector of an id. */
  add(id: string, vector: Float32Array): void {
    if (vector.length !== this.dimension) {
      throw new RangeError(
        `vector for "${id}" has ${vector.length} dimensions; the index holds ${this.dimension}`,
      );
    }
    this.remove(id);
    if (this.#graph.getCurrentCount() >= this.#graph.getMaxElements()) {
      this.#graph.resizeIndex(Math.max(1024, this.#graph.getMaxElements() * 2));
    }
    const label = this.#nextLabel;
    this.#nextLabel += 1;
    this.#graph.addPoint(Array.from(vector), label);
    this.#labelOf.set(id, label);
    this.#idOf.set(label, id);
  }

  /** Removes an id; unknown ids are ignored. */
  remove(id: string): void {
    const label = this.#labelOf.get(id);
    if (label === undefined) return;
    this.#graph.markDelete(label);
    this.#labelOf.delete(id);
    this.#idOf.delete(label);
    this.#deleted += 1;
    if (this.#deleted > COMPACT_RATIO * (this.#labelOf.size + this.#deleted) && this.#deleted > 256)
      this.#compact();
  }

  /** The nearest ids to a vector by cosine similarity, best first. */
  search(vector: Float32Array, options: IndexSearchOptions): ScoredId[] {
    if (this.#labelOf.size === 0 || options.limit <= 0) return [];
    const limit = Math.min(options.limit, this.#labelOf.size);
    this.#graph.setEf(Math.max(this.#options.efSearch, limit));
    const filter = options.filter;
    const result = this.#graph.searchKnn(
      Array.from(vector),
      limit,
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

  /**
   * Exact cosine search among the given ids only: for filters that keep few
   * entries, where walking the graph past everything filtered out costs more
   * than comparing with each kept vector.
   */
  searchAmong(vector: Float32Array, ids: Iterable<string>, limit: number): ScoredId[] {
    const hits: ScoredId[] = [];
    let queryNorm = 0;
    for (const value of vector) queryNorm += value * value;
    queryNorm = Math.sqrt(queryNorm) || 1;
    for (const id of ids) {
      const label = this.#labelOf.get(id);
      if (label === undefined) continue;
      const point = this.#graph.getPoint(label);
      let dot = 0;
      let norm = 0;
      for (let i = 0; i < point.length; i += 1) {
        const value = point[i] as number;
        dot += value * (vector[i] as number);
        norm += value * value;
      }
      hits.push({ id, score: dot / (queryNorm * (Math.sqrt(norm) || 1)) });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  /** Writes the index to `path` and `path.json` (each via a temporary file and a rename). */
  save(path: string, meta: unknown = null): void {
    // Per-process temporary names: two processes saving at once never write into the same file.
    const temporary = `${path}.${process.pid}.tmp`;
    this.#graph.writeIndexSync(temporary);
    const sidecar: Sidecar = {
      version: 1,
      embedderId: this.embedderId,
      dimension: this.dimension,
      labels: [...this.#labelOf],
      deleted: this.#deleted,
      nextLabel: this.#nextLabel,
      meta,
    };
    writeFileSync(`${temporary}.json`, JSON.stringify(sidecar));
    renameSync(temporary, path);
    renameSync(`${temporary}.json`, `${path}.json`);
  }

  /**
   * Loads an index saved by {@link VectorIndex.save}, or returns `undefined` when
   * there is none, it is unreadable, or another embedder built it (the caller
   * then rebuilds from the log).
   */
  static load(
    path: string,
    embedder: Pick<Embedder, "id" | "dimension">,
    options: VectorIndexOptions = {},
  ): { index: VectorIndex; meta: unknown } | undefined {
    if (!existsSync(path) || !existsSync(`${path}.json`)) return undefined;
    try {
      const sidecar = JSON.parse(readFileSync(`${path}.json`, "utf8")) as Sidecar;
      if (
        sidecar.version !== 1 ||
        sidecar.embedderId !== embedder.id ||
        sidecar.dimension !== embedder.dimension
      ) {
        return undefined;
      }
      const index = new VectorIndex(embedder, options);
      index.#graph.readIndexSync(path);
      index.#labelOf = new Map(sidecar.labels);
      index.#idOf = new Map(sidecar.labels.map(([id, label]) => [label, id]));
      index.#deleted = sidecar.deleted;
      index.#nextLabel = sidecar.nextLabel;
      return { index, meta: sidecar.meta };
    } catch {
      return undefined;
    }
  }

  #emptyGraph(capacity: number): hnswlib.HierarchicalNSW {
    const graph = new hnswlib.HierarchicalNSW("cosine", this.dimension);
    graph.initIndex({
      maxElements: capacity,
      m: this.#options.m,
      efConstruction: this.#options.efConstruction,
      randomSeed: 42,
    });
    return graph;
  }

  /** Rebuilds the graph from the live vectors, dropping deleted ones. */
  #compact(): void {
    const live = [...this.#labelOf].map(([id, label]) => [id, this.#graph.getPoint(label)] as const);
    this.#graph = this.#emptyGraph(Math.max(1024, live.length * 2));
    this.#labelOf.clear();
    this.#idOf.clear();
    this.#nextLabel = 0;
    this.#deleted = 0;
    for (const [id, point] of live) {
      this.#graph.addPoint(point, this.#nextLabel);
      this.#labelOf.set(id, this.#nextLabel);
      this.#idOf.set(this.#nextLabel, id);
      this.#nextLabel += 1;
    }
  }
}
