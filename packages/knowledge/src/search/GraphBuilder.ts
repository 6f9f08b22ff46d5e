/**
 * Builds the graphs of a vector index in worker threads, one graph per thread,
 * from vectors streamed to them while they insert.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { type GraphSettings, GraphShard } from "./GraphShard.js";

/** Vectors sent to a worker in one message. */
const BATCH = 512;

/**
 * The worker: one hnswlib-node graph, fed batches of labelled vectors, written
 * to a file when asked. Plain CommonJS in a string so that it runs the same from
 * the TypeScript sources (tests, tsx) and from the built package.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const hnswlib = require(workerData.hnswlib);
const { dimension, m, efConstruction, seed } = workerData;
// Linux: this thread builds at a lower priority than the thread that feeds it (which
// embeds, indexes BM25 and serves searches meanwhile). Best effort: elsewhere, as is.
try {
  const thread = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
  require("node:os").setPriority(thread, 10);
} catch {}
const graph = new hnswlib.HierarchicalNSW("cosine", dimension);
graph.initIndex({ maxElements: 16384, m, efConstruction, randomSeed: seed });
const point = new Array(dimension).fill(0);
parentPort.on("message", (message) => {
  try {
    if (message.save !== undefined) {
      graph.writeIndexSync(message.save);
      parentPort.postMessage({ saved: true });
    } else if (message.remove !== undefined) {
      graph.markDelete(message.remove);
    } else {
      const { labels, vectors } = message;
      for (let i = 0; i < labels.length; i += 1) {
        if (graph.getCurrentCount() >= graph.getMaxElements()) graph.resizeIndex(graph.getMaxElements() * 2);
        for (let j = 0; j < dimension; j += 1) point[j] = vectors[i * dimension + j];
        graph.addPoint(point, labels[i]);
      }
    }
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.stack) || error) });
  }
});
`;

interface Lane {
  readonly worker: Worker;
  readonly labelOf: Map<string, number>;
  nextLabel: number;
  deleted: number;
  labels: Int32Array;
  vectors: Float32Array;
  filled: number;
}

/**
 * Streams vectors to `threads` workers, each building one graph, round robin.
 * Re-adding an id or removing one while the graphs build is passed on in order.
 */
export class GraphBuilder {
  readonly #settings: GraphSettings;
  readonly #lanes: Lane[];
  readonly #laneOf = new Map<string, Lane>();
  #turn = 0;
  #failure: Error | undefined;
  #stopped = false;

  /**
   * Starts the workers.
   *
   * @throws Error when a worker thread cannot be started (the others are stopped).
   */
  constructor(settings: GraphSettings, threads: number) {
    this.#settings = settings;
    const hnswlibPath = createRequire(import.meta.url).resolve("hnswlib-node");
    this.#lanes = [];
    try {
      for (let index = 0; index < threads; index += 1) {
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          workerData: { ...settings, seed: settings.seed + index, hnswlib: hnswlibPath },
        });
        this.#watch(worker, `${index + 1}/${threads}`);
        this.#lanes.push(this.#emptyLane(worker));
      }
    } catch (error) {
      void this.stop();
      throw error;
    }
  }

  /** Number of live ids sent so far. */
  get size(): number {
    return this.#laneOf.size;
  }

  /** Whether an id was sent (and not removed since). */
  has(id: string): boolean {
    return this.#laneOf.has(id);
  }

  /** Sends the vector of an id to the next worker (an id sent before is replaced). */
  add(id: string, vector: ArrayLike<number>): void {
    this.remove(id);
    const lane = this.#lanes[this.#turn] as Lane;
    this.#turn = (this.#turn + 1) % this.#lanes.length;
    const label = lane.nextLabel;
    lane.nextLabel += 1;
    lane.labelOf.set(id, label);
    this.#laneOf.set(id, lane);
    lane.labels[lane.filled] = label;
    lane.vectors.set(vector, lane.filled * this.#settings.dimension);
    lane.filled += 1;
    if (lane.filled === BATCH) this.#flush(lane);
  }

  /** Marks the point of an id sent before deleted in its graph; unknown ids are ignored. */
  remove(id: string): void {
    const lane = this.#laneOf.get(id);
    if (lane === undefined) return;
    const label = lane.labelOf.get(id) as number;
    this.#flush(lane);
    lane.worker.postMessage({ remove: label });
    lane.labelOf.delete(id);
    this.#laneOf.delete(id);
    lane.deleted += 1;
  }

  /** Waits for every graph, reads them back and stops the workers. */
  async finish(): Promise<GraphShard[]> {
    let folder: string | undefined;
    try {
      folder = mkdtempSync(join(tmpdir(), "sf-knowledge-hnsw-"));
      const files = await Promise.all(
        this.#lanes.map(async (lane, index) => {
          this.#flush(lane);
          const path = join(folder as string, `${index}.hnsw`);
          await this.#saved(lane.worker, path);
          return path;
        }),
      );
      if (this.#failure !== undefined) throw this.#failure;
      return this.#lanes.map((lane, index) =>
        GraphShard.read(files[index] as string, this.#settings, {
          labels: [...lane.labelOf],
          deleted: lane.deleted,
          nextLabel: lane.nextLabel,
        }),
      );
    } finally {
      await this.stop();
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    }
  }

  /** Stops the workers, discarding their graphs. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#lanes.map((lane) => lane.worker.terminate()));
  }

  /** Records the first failure of a worker: an error it reported, or its exit before it was stopped. */
  #watch(worker: Worker, name: string): void {
    const fail = (reason: string) => {
      this.#failure ??= new Error(`building the vector index in worker thread ${name} failed: ${reason}`);
    };
    worker.on("message", (message: { error?: string }) => {
      if (message.error !== undefined) fail(message.error);
    });
    worker.on("error", (error) => fail(error.message));
    worker.on("exit", (code) => {
      if (!this.#stopped) fail(`the thread exited with code ${code}`);
    });
  }

  /** Resolves once the worker wrote its graph to `path` (or failed). */
  #saved(worker: Worker, path: string): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        worker.off("message", onMessage);
        worker.off("exit", done);
        resolve();
      };
      const onMessage = (message: { saved?: boolean; error?: string }) => {
        if (message.saved === true || message.error !== undefined) done();
      };
      worker.on("message", onMessage);
      worker.on("exit", done);
      if (this.#failure !== undefined) done();
      else worker.postMessage({ save: path });
    });
  }

  #flush(lane: Lane): void {
    if (lane.filled === 0) return;
    const labels = lane.labels.slice(0, lane.filled);
    const vectors = lane.vectors.slice(0, lane.filled * this.#settings.dimension);
    lane.worker.postMessage({ labels, vectors }, [labels.buffer, vectors.buffer]);
    lane.filled = 0;
  }

  #emptyLane(worker: Worker): Lane {
    return {
      worker,
      labelOf: new Map(),
      nextLabel: 0,
      deleted: 0,
      labels: new Int32Array(BATCH),
      vectors: new Float32Array(BATCH * this.#settings.dimension),
      filled: 0,
    };
  }
}
