/**
 * Approximate nearest-neighbour index over hnswlib-node (cosine), persisted
 * next to the store.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { z } from "zod";
import { type FileSteps, runInSteps, runSync } from "../internal/fileSteps.js";
import { turnOfEventLoop } from "../internal/turnOfEventLoop.js";
import { GraphBuilder } from "./GraphBuilder.js";
import { type GraphSettings, GraphShard } from "./GraphShard.js";
import { loadHnswlib } from "./hnswlibAddon.js";
import { readCommittedGeneration, saveGeneration } from "./indexGenerations.js";
import type { Embedder, IndexSearchOptions, ScoredId } from "./types.js";

/** Options of a {@link VectorIndex}. */
export interface VectorIndexOptions {
  /** Connections per node (default 16). */
  readonly m?: number;
  /**
   * Candidate list size while building (default 32). Measured on 100,000
   * vectors of the hashing embedder (perturbed MS MARCO passages, 200 queries):
   * two graphs with 32 build in 8 s of CPU where 64 took 20 s, and searched
   * with `efSearch` 200 find the same share of the exact top 10 (0.70) as
   * graphs built with 64 and searched with 100; one graph built with 64 found
   * 0.61. The nDCG@10 of vector and hybrid search on the benchmark's retrieval
   * sets moved by at most 0.004.
   */
  readonly efConstruction?: number;
  /** Candidate list size while searching (default 200; raised to the limit when smaller). */
  readonly efSearch?: number;
  /**
   * Worker threads that build the graphs when {@link VectorIndex.addAll} fills an
   * empty index (default: the machine's available parallelism, at most 4); each
   * builds one graph of the index, and a search asks each graph. 1 builds one
   * graph in the calling thread.
   */
  readonly buildThreads?: number;
  /** Fewest vectors that {@link VectorIndex.addAll} builds in worker threads (default 10,000). */
  readonly parallelBuildMin?: number;
}

/**
 * What the manifest of a saved index holds besides its generation's files
 * (one graph each): the embedder, the ids of each graph's points, and the
 * caller's metadata. Version 3 is the first saved as generations; earlier
 * saves are not read (the caller rebuilds them from the log).
 */
const SavedIndexSchema = z.object({
  version: z.literal(3),
  embedderId: z.string(),
  dimension: z.number().int().positive(),
  shards: z
    .array(
      z.object({
        labels: z.array(z.tuple([z.string(), z.number().int().nonnegative()])),
        deleted: z.number().int().nonnegative(),
        nextLabel: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  meta: z.unknown(),
});

/**
 * A cosine HNSW index over string ids for vectors of one embedder. Re-adding an
 * id replaces its vector; removed entries are marked deleted, and once a
 * graph's deletions pass 30% it is rebuilt without them in the background, in
 * steps of a few milliseconds with a turn of the event loop between them
 * (see {@link VectorIndex.idle}); meanwhile searches walk the old graph, and
 * the new one replaces it whole.
 *
 * The index is one graph, or several when {@link VectorIndex.addAll} built it in
 * parallel: one per worker thread, each with a share of the vectors; a search
 * asks each and merges, and later additions go to the smallest. Each save
 * writes a new generation of graph files (`<path>.g<generation>-<pid>-<random>.<n>`)
 * and commits it by renaming `<path>.json` over the previous manifest; the
 * manifest holds the ids, the embedder identity, the caller's metadata (such
 * as the log position it reflects) and each graph file's size and SHA-256.
 * An index refuses vectors of a different embedder.
 *
 * hnswlib-node, a native addon, is loaded when the first vector is added or a
 * saved index is read, not on import: an index can be made, and searched
 * while empty, in a project where the addon's bindings are not built. What
 * needs a graph then throws a `StoreError` (`E_STORE`) that names the package
 * and says to run `npm rebuild hnswlib-node`.
 */
export class VectorIndex {
  /** Id of the embedder whose vectors it holds; vectors of another are refused. */
  readonly embedderId: string;
  /** Length of each vector it holds. */
  readonly dimension: number;
  readonly #settings: GraphSettings;
  readonly #efSearch: number;
  readonly #buildThreads: number;
  readonly #parallelBuildMin: number;
  #shards: GraphShard[];
  /** Set while {@link VectorIndex.addAll} builds the graphs in worker threads. */
  #builder: GraphBuilder | undefined;
  /** Settles when the parallel build in progress has installed its graphs. */
  #building: Promise<void> | undefined;
  /** Set when worker threads could not be started or failed: later builds run in the calling thread. */
  #noWorkers = false;
  /** Whether the builder is writing its graphs (then adds and removes wait in `#late`). */
  #finishing = false;
  /** Adds and removes made while the builder writes its graphs, applied after they are installed. */
  readonly #late: (() => void)[] = [];
  /** Settles when the graph rebuilds in progress have ended. */
  #compacting: Promise<void> | undefined;

  /** An empty index for vectors of `embedder`. */
  constructor(embedder: Pick<Embedder, "id" | "dimension">, options: VectorIndexOptions = {}) {
    this.embedderId = embedder.id;
    this.dimension = embedder.dimension;
    this.#settings = {
      dimension: embedder.dimension,
      m: options.m ?? 16,
      efConstruction: options.efConstruction ?? 32,
      seed: 42,
    };
    this.#efSearch = options.efSearch ?? 200;
    this.#buildThreads = options.buildThreads ?? Math.min(4, availableParallelism());
    this.#parallelBuildMin = options.parallelBuildMin ?? 10_000;
    this.#shards = [new GraphShard(this.#settings)];
  }

  /** Number of live entries. */
  get size(): number {
    return this.#shards.reduce((sum, shard) => sum + shard.size, this.#builder?.size ?? 0);
  }

  /** Whether an id is indexed. */
  has(id: string): boolean {
    return this.#builder?.has(id) === true || this.#shards.some((shard) => shard.has(id));
  }

  /**
   * Adds or replaces the vector of an id.
   *
   * @throws StoreError when hnswlib-node cannot be loaded (its bindings are not built).
   */
  add(id: string, vector: Float32Array): void {
    this.#check(id, vector);
    if (this.#builder !== undefined) {
      if (this.#finishing) this.#late.push(() => this.add(id, vector));
      else this.#builder.add(id, vector);
      return;
    }
    this.remove(id);
    let smallest = this.#shards[0] as GraphShard;
    for (const shard of this.#shards) if (shard.size < smallest.size) smallest = shard;
    smallest.add(id, vector);
  }

  /**
   * Adds or replaces many vectors, taken from `entries` as it yields them (an
   * async source lets the caller embed the next batch while the graphs grow).
   * Into an empty index, once `parallelBuildMin` entries have come, the graphs
   * are built in worker threads and the calling thread stays free (for lexical
   * indexing, for embedding). Until the returned promise settles, searches see
   * none of these entries; other adds and removes in the meantime go to the
   * workers too, in order (or, once the workers are writing their graphs, are
   * applied after them).
   *
   * @throws StoreError when hnswlib-node cannot be loaded, before any entry is
   * taken from `entries` (so nothing is embedded for nothing).
   * @throws Error when a worker thread fails (the index then holds none of
   * these entries, and builds in the calling thread from then on), or what `entries` threw (entries taken before it may be
   * indexed: check with {@link VectorIndex.has}).
   */
  async addAll(
    entries: Iterable<readonly [string, Float32Array]> | AsyncIterable<readonly [string, Float32Array]>,
  ): Promise<void> {
    loadHnswlib();
    if (this.#builder !== undefined || this.size > 0 || this.#buildThreads <= 1 || this.#noWorkers) {
      for await (const [id, vector] of entries) this.add(id, vector);
      await this.#building;
      return;
    }
    const waiting: (readonly [string, Float32Array])[] = [];
    let builder: GraphBuilder | undefined;
    let built = (): void => {};
    try {
      for await (const [id, vector] of entries) {
        this.#check(id, vector);
        if (builder !== undefined) {
          builder.add(id, vector);
        } else if (this.#builder !== undefined || this.size > 0 || this.#noWorkers) {
          this.add(id, vector);
        } else {
          waiting.push([id, vector]);
          if (waiting.length < this.#parallelBuildMin) continue;
          try {
            builder = new GraphBuilder(this.#settings, this.#buildThreads);
          } catch {
            // Worker threads are not allowed here (Node's permission model, a sandbox): build in this thread.
            this.#noWorkers = true;
            for (const [waitingId, waitingVector] of waiting.splice(0)) this.add(waitingId, waitingVector);
            continue;
          }
          this.#builder = builder;
          this.#building = new Promise((resolve) => {
            built = resolve;
          });
          for (const [waitingId, waitingVector] of waiting.splice(0)) builder.add(waitingId, waitingVector);
        }
      }
    } catch (error) {
      if (builder !== undefined) {
        await builder.stop();
        this.#installBuilt(undefined, built);
      }
      throw error;
    }
    for (const [id, vector] of waiting) this.add(id, vector);
    if (builder === undefined) {
      await this.#building;
      return;
    }
    let shards: GraphShard[] | undefined;
    this.#finishing = true;
    try {
      shards = await builder.finish();
    } catch (error) {
      // Say why once; the next builds of this index run in the calling thread.
      this.#noWorkers = true;
      throw error;
    } finally {
      this.#installBuilt(shards, built);
    }
  }

  /**
   * Removes an id; unknown ids are ignored. A graph whose deletions pass 30%
   * starts its rebuild (see {@link VectorIndex.idle}).
   */
  remove(id: string): void {
    this.removeAll([id]);
  }

  /**
   * Removes many ids (unknown ones are ignored); a graph whose deletions pass
   * 30% is rebuilt once, after all are removed, in the background (see
   * {@link VectorIndex.idle}): for the chunks of a long document that is
   * revised or retracted.
   */
  removeAll(ids: Iterable<string>): void {
    if (this.#builder !== undefined) {
      for (const id of ids) {
        if (this.#finishing) this.#late.push(() => this.remove(id));
        else this.#builder.remove(id);
      }
      return;
    }
    for (const id of ids) for (const shard of this.#shards) if (shard.markRemoved(id)) break;
    this.#compactDue();
  }

  /**
   * Resolves once no graph is being rebuilt. A graph whose deletions passed
   * 30% is rebuilt without them in steps, with a turn of the event loop
   * between steps, so the calls that removed them return at once and other
   * work goes on; until the new graph replaces the old one whole, searches
   * walk the old one, and adds and removals reach both. A {@link VectorIndex.save}
   * meanwhile writes the old graph.
   */
  async idle(): Promise<void> {
    while (this.#compacting !== undefined) await this.#compacting;
  }

  /** The nearest ids to a vector by cosine similarity, best first. */
  search(vector: Float32Array, options: IndexSearchOptions): ScoredId[] {
    if (options.limit <= 0) return [];
    const hits = this.#shards.flatMap((shard) =>
      shard.search(vector, options.limit, this.#efSearch, options.filter),
    );
    if (this.#shards.length === 1) return hits;
    return hits.sort((a, b) => b.score - a.score).slice(0, options.limit);
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
      const point = this.#vectorOf(id);
      if (point === undefined) continue;
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

  /**
   * Writes the index as a new generation of files beside `path` and commits
   * it by replacing the manifest `path.json` in one rename, after every file
   * is flushed to the disk; then removes the files of older generations. A
   * crash or a power loss at any point leaves the previous save or this one
   * for {@link VectorIndex.load}, never a mix of the two.
   *
   * @throws StoreError when hnswlib-node cannot be loaded (nothing is written).
   * @throws Error while {@link VectorIndex.addAll} is still building, or what
   * writing the files throws (the previous save then stays in force).
   */
  save(path: string, meta: unknown = null): void {
    runSync(this.#saving(path, meta));
  }

  /**
   * As {@link VectorIndex.save}, with the graphs written, checksummed and
   * flushed off the calling thread, so the event loop turns meanwhile. The
   * graphs are saved as they are when it is called; they must get no adds or
   * removals until it resolves (searches are fine).
   *
   * @throws StoreError when hnswlib-node cannot be loaded (nothing is written).
   * @throws Error while {@link VectorIndex.addAll} is still building, or what
   * writing the files throws (the previous save then stays in force).
   */
  async saveInSteps(path: string, meta: unknown = null): Promise<void> {
    await runInSteps(this.#saving(path, meta));
  }

  /** The steps of a save of the graphs as they are now, for {@link VectorIndex.save} and {@link VectorIndex.saveInSteps} to run. */
  #saving(path: string, meta: unknown): FileSteps<void> {
    if (this.#builder !== undefined) {
      throw new Error(`the vector index cannot be saved to ${path} while addAll is building it`);
    }
    const shards = this.#shards.map((shard) => ({
      ...shard.writing(),
      writeSync: (file: string) => shard.write(file),
    }));
    const saved: z.input<typeof SavedIndexSchema> = {
      version: 3,
      embedderId: this.embedderId,
      dimension: this.dimension,
      shards: shards.map((shard) => shard.state),
      meta,
    };
    return saveGeneration(path, shards, saved);
  }

  /**
   * Loads the index whose manifest is `path.json` (see {@link VectorIndex.save}),
   * or returns `undefined` when there is none, another embedder built it, it was
   * saved by a version before generations, a file it names is missing,
   * damaged or unreadable, or hnswlib-node cannot be loaded to read it: the
   * caller then rebuilds from the log.
   */
  static load(
    path: string,
    embedder: Pick<Embedder, "id" | "dimension">,
    options: VectorIndexOptions = {},
  ):
    | {
        /** The loaded index, ready to search and to add to. */
        index: VectorIndex;
        /** The `meta` value passed to {@link VectorIndex.save} (`null` when none was). */
        meta: unknown;
      }
    | undefined {
    const committed = readCommittedGeneration(path);
    if (committed === undefined) return undefined;
    const saved = SavedIndexSchema.safeParse(committed.content);
    if (!saved.success || saved.data.shards.length !== committed.files.length) return undefined;
    if (saved.data.embedderId !== embedder.id || saved.data.dimension !== embedder.dimension)
      return undefined;
    try {
      const index = new VectorIndex(embedder, options);
      index.#shards = saved.data.shards.map((state, number) =>
        GraphShard.read(committed.files[number] as string, index.#settings, state),
      );
      return { index, meta: saved.data.meta ?? null };
    } catch {
      return undefined;
    }
  }

  #vectorOf(id: string): number[] | undefined {
    for (const shard of this.#shards) {
      const point = shard.vectorOf(id);
      if (point !== undefined) return point;
    }
    return undefined;
  }

  #check(id: string, vector: Float32Array): void {
    if (vector.length !== this.dimension) {
      throw new RangeError(
        `vector for "${id}" has ${vector.length} dimensions; the index holds ${this.dimension}`,
      );
    }
  }

  /** Starts rebuilding the graphs due a compaction, one after the other, unless a rebuild or a parallel build is under way. */
  #compactDue(): void {
    if (this.#compacting !== undefined || this.#builder !== undefined) return;
    const shard = this.#shards.find((candidate) => candidate.compactionDue);
    if (shard === undefined) return;
    this.#compacting = this.#compact(shard).then(
      () => {
        this.#compacting = undefined;
        this.#compactDue();
      },
      () => {
        // A rebuild that failed (out of memory) left the old graph in use; a later removal tries again.
        this.#compacting = undefined;
      },
    );
  }

  /** Rebuilds one graph in steps, a turn of the event loop after each; stops if a parallel build replaced the graphs. */
  async #compact(shard: GraphShard): Promise<void> {
    const steps = shard.compaction();
    try {
      while (steps.next().done !== true) {
        await turnOfEventLoop();
        if (!this.#shards.includes(shard)) return;
      }
    } finally {
      steps.return();
    }
  }

  /** Ends a parallel build: the graphs it built (none when it failed), then what waited for it. */
  #installBuilt(shards: GraphShard[] | undefined, built: () => void): void {
    if (shards !== undefined) this.#shards = shards;
    this.#builder = undefined;
    this.#building = undefined;
    this.#finishing = false;
    for (const operation of this.#late.splice(0)) operation();
    built();
  }
}
