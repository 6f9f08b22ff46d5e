import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { words } from "./fixtures/seededRandom.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-compact-");

const source = { system: "test" };

/** What the vector index holds, read from the manifest `VectorIndex.save` commits (`<path>.json`). */
function savedGraph(): { live: number; deleted: number; points: number } {
  const manifest = JSON.parse(readFileSync(join(temp.dir, "knowledge", "knowledge.hnsw.json"), "utf8")) as {
    shards: { labels: unknown[]; deleted: number; nextLabel: number }[];
  };
  expect(manifest.shards).toHaveLength(1);
  const [shard] = manifest.shards as [{ labels: unknown[]; deleted: number; nextLabel: number }];
  return { live: shard.labels.length, deleted: shard.deleted, points: shard.nextLabel };
}

interface Fact {
  readonly id: string;
  readonly text: string;
}

/** Each current fact is the nearest vector to its own words; no removed text is near anything indexed. */
async function expectVectorSearchSound(current: readonly Fact[], removed: readonly string[]): Promise<void> {
  for (const fact of current) {
    const result = await temp.kb.search(fact.text, { mode: "vector", limit: 3 });
    expect(result.hits[0]?.document.id, fact.text).toBe(fact.id);
    expect(result.hits[0]?.score).toBeGreaterThan(0.99);
  }
  for (const text of removed) {
    const result = await temp.kb.search(text, { mode: "vector", current: false, limit: 3 });
    for (const hit of result.hits) expect(hit.score, `${text} found ${hit.document.title}`).toBeLessThan(0.6);
  }
}

describe("vector index compaction", () => {
  it("rebuilds the graph once removals pass the threshold, and vector search stays right before and after reopening", async () => {
    // The threshold (search/GraphShard.ts): more than 256 removed points and more than 30% of all points.
    const facts: Fact[] = [];
    for (let index = 0; index < 300; index += 1) {
      const text = words(index);
      const document = await temp.kb.capture({ kind: "note", title: "Fact", body: text, source });
      facts.push({ id: document.id, text: `Fact ${text}` });
    }
    const removed: string[] = [];
    for (const fact of facts.slice(0, 150)) {
      await temp.kb.retract(fact.id, "wrong");
      removed.push(fact.text);
    }
    const current: Fact[] = [];
    for (const [index, fact] of facts.slice(150).entries()) {
      const text = words(1000 + index);
      await temp.kb.revise(fact.id, { body: text });
      removed.push(fact.text);
      current.push({ id: fact.id, text: `Fact ${text}` });
    }
    // 300 removals in all: 150 retractions, then 150 revisions (each replaces one vector).

    await expectVectorSearchSound(current, removed);
    await temp.kb.close();
    const graph = savedGraph();
    expect(graph.live).toBe(150);
    // Without compaction the graph would hold all 450 points, 300 of them deleted.
    expect(graph.deleted).toBeLessThan(257);
    expect(graph.points).toBe(graph.live + graph.deleted);
    expect(graph.points).toBeLessThan(450);

    await temp.reopen();
    await expectVectorSearchSound(current, removed);
    // The reopened index keeps counting removals from what it saved.
    for (const fact of current.splice(0, 50)) {
      await temp.kb.retract(fact.id, "wrong after reopening");
      removed.push(fact.text);
    }
    await expectVectorSearchSound(current, removed);
    await temp.kb.close();
    expect(savedGraph()).toMatchObject({ live: 100, deleted: graph.deleted + 50 });

    await temp.reopen();
    await expectVectorSearchSound(current, removed);
  });
});
