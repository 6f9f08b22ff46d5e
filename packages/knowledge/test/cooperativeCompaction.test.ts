import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { openKnowledgeBase, VectorIndex } from "../src/index.js";
import { useTempFolders } from "./fixtures/tempFolders.js";

const embedder = { id: "test-random/256", dimension: 256 };

/** Reproducible random unit vectors of 256 dimensions. */
function randomVectors(count: number, seed: number): Float32Array[] {
  let state = seed;
  const random = () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const vector = Float32Array.from({ length: embedder.dimension }, random);
    let norm = 0;
    for (const value of vector) norm += value * value;
    return vector.map((value) => value / Math.sqrt(norm));
  });
}

/** What the single graph of a saved index holds, read from its manifest `<path>.json`. */
function savedGraph(path: string): { live: number; deleted: number; points: number } {
  const manifest = JSON.parse(readFileSync(`${path}.json`, "utf8")) as {
    shards: { labels: unknown[]; deleted: number; nextLabel: number }[];
  };
  expect(manifest.shards).toHaveLength(1);
  const [shard] = manifest.shards as [{ labels: unknown[]; deleted: number; nextLabel: number }];
  return { live: shard.labels.length, deleted: shard.deleted, points: shard.nextLabel };
}

const folder = useTempFolders("sf-compaction-");

describe("rebuilding a vector graph past 30% deletions", () => {
  it("runs in steps with turns of the event loop between them, while searches, adds and removals see a whole graph", async () => {
    const vectors = randomVectors(3200, 7);
    const index = new VectorIndex(embedder, { buildThreads: 1 });
    await index.addAll(vectors.slice(0, 3000).map((vector, i) => [`v${i}`, vector] as const));
    const removed = new Set(Array.from({ length: 1200 }, (_, i) => `v${i}`));
    const added: string[] = [];
    const wrong: string[] = [];
    let turns = 0;
    let rebuilding = true;
    const turn = (): void => {
      turns += 1;
      // A kept vector is its own nearest in the old graph and in the new one, and no removed id comes back.
      const probe = 1200 + ((turns * 37) % 1800);
      if (!removed.has(`v${probe}`)) {
        const hits = index.search(vectors[probe] as Float32Array, { limit: 10 });
        if (hits[0]?.id !== `v${probe}`) wrong.push(`v${probe} found ${hits[0]?.id}`);
        for (const hit of hits) if (removed.has(hit.id)) wrong.push(`v${probe} found removed ${hit.id}`);
      }
      // Adds and removals made during the rebuild reach the graph that replaces the old one.
      if (turns <= 100) {
        index.add(`v${2999 + turns}`, vectors[2999 + turns] as Float32Array);
        added.push(`v${2999 + turns}`);
        index.remove(`v${1200 + turns}`);
        removed.add(`v${1200 + turns}`);
      }
      if (rebuilding) setImmediate(turn);
    };

    index.removeAll(removed);
    setImmediate(turn);
    await index.idle();
    rebuilding = false;

    // 1,800 points at 64 a step (256 dimensions): some 28 steps, each followed by a turn.
    expect(turns).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
    // 3,000 - 1,200 removed, then 100 added and 100 removed during the rebuild.
    expect(index.size).toBe(1800);
    const path = join(folder(), "index.hnsw");
    index.save(path);
    // Rebuilt from the points kept (without, 3,100 points, 1,300 deleted): only removals made during the rebuild are left deleted.
    const graph = savedGraph(path);
    expect(graph.live).toBe(1800);
    expect(graph.deleted).toBeLessThanOrEqual(100);
    expect(graph.points).toBe(graph.live + graph.deleted);
    for (const id of added) {
      const vector = vectors[Number(id.slice(1))] as Float32Array;
      expect(index.search(vector, { limit: 1 })[0]?.id).toBe(id);
    }
    const found = new Set(index.search(vectors[2000] as Float32Array, { limit: 3000 }).map((hit) => hit.id));
    expect([...removed].filter((id) => found.has(id))).toEqual([]);
  });

  it("does not hold a knowledge base's retraction: the event loop turns while the graph is rebuilt", async () => {
    const dir = folder();
    const log = await openEventLog({ path: join(dir, "factory.db") });
    const kb = await openKnowledgeBase({ log, dir: join(dir, "knowledge") });
    const sections = (name: string, count: number) =>
      Array.from({ length: count }, (_, i) => `## ${name} ${i}\n\nStep ${i} of the ${name} runbook.`).join(
        "\n\n",
      );
    const source = { system: "test" };
    const gone = await kb.capture({ kind: "runbook", title: "Old", body: sections("old", 700), source });
    await kb.capture({ kind: "runbook", title: "Kept", body: sections("kept", 1300), source });
    await kb.search("runbook");
    let turns = 0;
    let counting = true;
    const turn = (): void => {
      turns += 1;
      if (counting) setImmediate(turn);
    };

    // 700 of 2,000 chunks go: past 30% of the graph, so it is rebuilt from the 1,300 kept.
    setImmediate(turn);
    await kb.retract(gone.id, "replaced");
    const { hits } = await kb.search("kept runbook step", { mode: "vector", limit: 3 });
    await kb.close();
    counting = false;
    await log.close();

    expect(hits[0]?.document.title).toBe("Kept");
    expect(savedGraph(join(dir, "knowledge", "knowledge.hnsw"))).toEqual({
      live: 1300,
      deleted: 0,
      points: 1300,
    });
    // 1,300 points at 64 a step: some 20 steps, each followed by a turn, before the close has saved the graph.
    expect(turns).toBeGreaterThan(15);
  });
});
