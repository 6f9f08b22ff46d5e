import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createHashingEmbedder, VectorIndex } from "../src/index.js";
import { useTempFolders } from "./fixtures/tempFolders.js";

const embedder = { id: "test-random/16", dimension: 16 };

/** Reproducible random unit vectors. */
function randomVectors(count: number, seed = 11): Float32Array[] {
  let state = seed;
  const random = () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const vector = Float32Array.from({ length: embedder.dimension }, random);
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}

/** Yields entries a batch at a time with a pause between, as an embedder would. */
async function* slowly(entries: [string, Float32Array][]): AsyncGenerator<[string, Float32Array]> {
  for (const [index, entry] of entries.entries()) {
    if (index % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    yield entry;
  }
}

const folder = useTempFolders("sf-vector-index-");

/** The graph files the manifest `index.hnsw.json` in `dir` names, after checking that the folder holds nothing else. */
function committedGraphs(dir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(dir, "index.hnsw.json"), "utf8")) as {
    files: { name: string }[];
  };
  const graphs = manifest.files.map((file) => file.name);
  expect(readdirSync(dir).sort()).toEqual(["index.hnsw.json", ...graphs].sort());
  return graphs;
}

describe("VectorIndex", () => {
  const vectors = randomVectors(600);
  const entries = vectors.map((vector, index) => [`v${index}`, vector] as [string, Float32Array]);

  it("builds an empty index in worker threads, one graph each, and finds every vector as its own nearest", async () => {
    const index = new VectorIndex(embedder, { buildThreads: 2, parallelBuildMin: 100 });
    await index.addAll(slowly(entries));
    expect(index.size).toBe(600);
    for (const [id, vector] of entries.slice(0, 50)) {
      expect(index.search(vector, { limit: 1 })[0]?.id).toBe(id);
    }
    const dir = folder();
    index.save(join(dir, "index.hnsw"), { position: 7 });
    expect(committedGraphs(dir)).toHaveLength(2);

    const loaded = VectorIndex.load(join(dir, "index.hnsw"), embedder);
    expect(loaded?.meta).toEqual({ position: 7 });
    expect(loaded?.index.size).toBe(600);
    expect(loaded?.index.search(vectors[42] as Float32Array, { limit: 1 })[0]?.id).toBe("v42");
    expect(VectorIndex.load(join(dir, "index.hnsw"), { id: "other/16", dimension: 16 })).toBeUndefined();
  });

  it("keeps the last vector of an id given twice, and passes adds and removes made during the build on to it in order", async () => {
    const index = new VectorIndex(embedder, { buildThreads: 2, parallelBuildMin: 100 });
    const replacement = vectors[599] as Float32Array;
    async function* meanwhile(): AsyncGenerator<[string, Float32Array]> {
      yield* slowly(entries.slice(0, 200));
      // The build has started (200 entries ≥ 100): these go to the workers.
      index.remove("v1");
      index.add("late", vectors[598] as Float32Array);
      expect(index.has("late")).toBe(true);
      expect(index.has("v1")).toBe(false);
      index.remove("v2");
      index.add("v2", vectors[2] as Float32Array);
      yield* slowly([...entries.slice(200, 300), ["v0", replacement]]);
    }
    await index.addAll(meanwhile());
    expect(index.size).toBe(300);
    expect(index.has("v1")).toBe(false);
    expect(index.has("late")).toBe(true);
    const nearest = index.search(replacement, { limit: 2 }).map((hit) => hit.id);
    expect(nearest).toContain("v0");
    expect(index.search(vectors[0] as Float32Array, { limit: 1 })[0]?.id).not.toBe("v0");
    expect(index.searchAmong(replacement, ["v0", "v2"], 1)[0]).toMatchObject({ id: "v0" });
    expect(index.searchAmong(replacement, ["v0"], 1)[0]?.score).toBeCloseTo(1, 5);
  });

  it("applies adds and removes made while the workers write their graphs after installing them", async () => {
    const index = new VectorIndex(embedder, { buildThreads: 2, parallelBuildMin: 100 });
    let hitsWhileWriting = -1;
    async function* thenMore(): AsyncGenerator<[string, Float32Array]> {
      yield* slowly(entries.slice(0, 300));
      // Runs once the source is done, while addAll waits for the workers' graphs.
      setImmediate(() => {
        hitsWhileWriting = index.search(vectors[0] as Float32Array, { limit: 1 }).length;
        index.add("after", vectors[500] as Float32Array);
        index.remove("v3");
      });
    }
    await index.addAll(thenMore());
    expect(hitsWhileWriting).toBe(0);
    expect(index.has("after")).toBe(true);
    expect(index.has("v3")).toBe(false);
    expect(index.size).toBe(300);
    expect(index.search(vectors[500] as Float32Array, { limit: 1 })[0]?.id).toBe("after");
  });

  it("reports a failed parallel build, stays empty, and builds in the calling thread from then on", async () => {
    const index = new VectorIndex(embedder, { buildThreads: 2, parallelBuildMin: 100 });
    const tmp = process.env.TMPDIR;
    // The workers write their graphs under the temporary folder: make it one that does not exist.
    process.env.TMPDIR = join(folder(), "missing");
    try {
      await expect(index.addAll(entries.slice(0, 200))).rejects.toThrow(/missing/);
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    expect(index.size).toBe(0);
    await index.addAll(entries.slice(0, 200));
    expect(index.size).toBe(200);
    const dir = folder();
    index.save(join(dir, "index.hnsw"));
    expect(committedGraphs(dir)).toHaveLength(1);
  });

  it("adds one at a time into a non-empty index, to its smallest graph, and removes from any", async () => {
    const index = new VectorIndex(embedder, { buildThreads: 2, parallelBuildMin: 100 });
    await index.addAll(entries.slice(0, 200));
    await index.addAll(entries.slice(200, 400));
    for (let i = 0; i < 400; i += 2) index.remove(`v${i}`);
    expect(index.size).toBe(200);
    expect(index.search(vectors[3] as Float32Array, { limit: 1 })[0]?.id).toBe("v3");
    expect(index.search(vectors[399] as Float32Array, { limit: 1 })[0]?.id).toBe("v399");
    expect(index.search(vectors[4] as Float32Array, { limit: 300 }).map((hit) => hit.id)).not.toContain("v4");
  });

  it("removes many ids with one rebuild of the graph, after all are gone", async () => {
    const index = new VectorIndex(embedder);
    await index.addAll(entries);
    const gone = entries.slice(100, 500).map(([id]) => id);
    index.removeAll([...gone, "unknown"]);
    expect(index.size).toBe(200);
    await index.idle();
    const dir = folder();
    index.save(join(dir, "index.hnsw"));
    const { shards } = JSON.parse(readFileSync(join(dir, "index.hnsw.json"), "utf8"));
    // Rebuilt once, from the 200 left; one by one, it is rebuilt at the 257th removal, from 343 points of which 143 are to go.
    expect(shards).toEqual([expect.objectContaining({ nextLabel: 200, deleted: 0 })]);
    for (const [id, vector] of [...entries.slice(0, 100), ...entries.slice(500)]) {
      expect(index.search(vector, { limit: 1 })[0]?.id).toBe(id);
    }
    const found = new Set(index.search(vectors[300] as Float32Array, { limit: 600 }).map((hit) => hit.id));
    expect(gone.filter((id) => found.has(id))).toEqual([]);
  });

  it("stops the workers and rethrows when the source fails, leaving the index empty", async () => {
    const index = new VectorIndex(embedder, { buildThreads: 2, parallelBuildMin: 100 });
    async function* failing(): AsyncGenerator<[string, Float32Array]> {
      yield* entries.slice(0, 250);
      throw new Error("embedder went away");
    }
    await expect(index.addAll(failing())).rejects.toThrow("embedder went away");
    expect(index.size).toBe(0);
    await index.addAll(entries.slice(0, 10));
    expect(index.size).toBe(10);
  });

  it("builds below the threshold in the calling thread, one graph", async () => {
    const index = new VectorIndex(embedder, { buildThreads: 2, parallelBuildMin: 1000 });
    await index.addAll(entries);
    const dir = folder();
    index.save(join(dir, "index.hnsw"));
    expect(committedGraphs(dir)).toHaveLength(1);
    expect(VectorIndex.load(join(dir, "index.hnsw"), embedder)?.index.size).toBe(600);
  });

  it("loads nothing when a graph file differs from its manifest, so the caller rebuilds", async () => {
    const index = new VectorIndex(embedder);
    await index.addAll(entries.slice(0, 100));
    const dir = folder();
    const path = join(dir, "index.hnsw");
    index.save(path, { position: 3 });
    expect(VectorIndex.load(path, embedder)?.meta).toEqual({ position: 3 });
    const [graph] = committedGraphs(dir) as [string];
    const bytes = readFileSync(join(dir, graph));
    // One bit flipped: the file keeps its size, only its checksum tells.
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] as number) ^ 1;
    writeFileSync(join(dir, graph), bytes);
    expect(VectorIndex.load(path, embedder)).toBeUndefined();
    writeFileSync(join(dir, graph), bytes.subarray(0, bytes.length / 2));
    expect(VectorIndex.load(path, embedder)).toBeUndefined();
    rmSync(join(dir, graph));
    expect(VectorIndex.load(path, embedder)).toBeUndefined();
  });

  it("does not read the layout before generations, and removes it and the files of saves that never committed", async () => {
    const index = new VectorIndex(embedder);
    await index.addAll(entries.slice(0, 20));
    const dir = folder();
    const path = join(dir, "index.hnsw");
    // Version 2: the first graph at <path>, the others at <path>.<n>, the ids in <path>.json.
    index.save(path);
    const [graph] = committedGraphs(dir) as [string];
    writeFileSync(path, readFileSync(join(dir, graph)));
    rmSync(join(dir, graph));
    const { shards, embedderId, dimension } = JSON.parse(readFileSync(`${path}.json`, "utf8"));
    writeFileSync(`${path}.json`, JSON.stringify({ version: 2, embedderId, dimension, shards, meta: null }));
    expect(VectorIndex.load(path, embedder)).toBeUndefined();
    // Left by processes killed while saving (no process has id 999999999).
    for (const leftover of [
      "index.hnsw.1",
      "index.hnsw.999999999.tmp.json",
      "index.hnsw.g4-999999999-0a1b.0",
    ])
      writeFileSync(join(dir, leftover), "partial");
    // Another program's file beside the index is not the index's to remove.
    writeFileSync(join(dir, "index.hnsw.notes"), "mine");

    index.save(path, { position: 9 });
    expect(readdirSync(dir)).toContain("index.hnsw.notes");
    rmSync(join(dir, "index.hnsw.notes"));
    expect(committedGraphs(dir)).toHaveLength(1);
    expect(
      VectorIndex.load(path, embedder)?.index.search(vectors[5] as Float32Array, { limit: 1 })[0]?.id,
    ).toBe("v5");
  });

  it("refuses vectors of another dimension, naming the id", async () => {
    const index = new VectorIndex(createHashingEmbedder());
    expect(() => index.add("short", new Float32Array(3))).toThrow(/"short" has 3 dimensions/);
    await expect(index.addAll([["short", new Float32Array(3)]])).rejects.toThrow(/"short"/);
  });
});
