import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHashingEmbedder, type Embedder, type KnowledgeBase, openKnowledgeBase } from "../src/index.js";

let dir: string;
let cacheDir: string;
const closing: { close(): Promise<void> }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-stale-caches-"));
  cacheDir = join(dir, "cache");
});

afterEach(async () => {
  for (const part of closing.splice(0).reverse()) await part.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The log over the factory's SQLite file, opened as a new process would (each call its own connection). */
async function openLog(): Promise<EventLog> {
  const log = await openEventLog({ path: join(dir, "factory.db") });
  closing.push(log);
  return log;
}

/** The hashing embedder, counting the texts it is asked to embed. */
function countingEmbedder(): Embedder & { texts: number } {
  const inner = createHashingEmbedder();
  const counting = {
    id: inner.id,
    dimension: inner.dimension,
    semantic: inner.semantic,
    texts: 0,
    embed(texts: readonly string[], options?: { signal?: AbortSignal }) {
      counting.texts += texts.length;
      return inner.embed(texts, options);
    },
  };
  return counting;
}

/** A knowledge base as one short process opens it: its own log connection, the shared cache folder. */
async function openProcess(embedder?: Embedder): Promise<KnowledgeBase> {
  return openKnowledgeBase({
    log: await openLog(),
    dir: cacheDir,
    ...(embedder === undefined ? {} : { embedder }),
  });
}

/** Captures `count` notes about `word`, numbered from `from`. */
async function captureNotes(kb: KnowledgeBase, word: string, count: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let index = from; index < from + count; index += 1) {
    const document = await kb.capture({
      kind: "note",
      title: `${word} note ${index}`,
      body: `The ${word} flow, part ${index}.\n\n## Detail\n\nStep ${index} of the ${word} runbook.`,
      source: { system: "wiki", uri: `notes/${word}/${index}.md` },
    });
    ids.push(document.id);
  }
  return ids;
}

/** A knowledge base of `count` notes whose caches are on disk. */
async function seed(count: number): Promise<string[]> {
  const kb = await openProcess();
  const ids = await captureNotes(kb, "ledger", count);
  await kb.close();
  return ids;
}

/** The bytes of every cache file, by name. */
function cacheFiles(): Map<string, Buffer> {
  return new Map(readdirSync(cacheDir).map((name) => [name, readFileSync(join(cacheDir, name))]));
}

/** What a reader sees: every document, and the lexical scores of a query's hits. */
async function view(kb: KnowledgeBase, query: string) {
  const documents = await kb.list({ limit: Number.POSITIVE_INFINITY });
  const { hits } = await kb.search(query, { mode: "lexical", limit: 50 });
  return {
    documents,
    // Scores summed in another order differ in the last bits, and equal ones may come in either order.
    hits: hits
      .map((hit) => ({ id: hit.document.id, chunk: hit.chunk.id, score: Number(hit.score.toFixed(9)) }))
      .sort((a, b) => b.score - a.score || a.chunk.localeCompare(b.chunk)),
  };
}

/** What the same log shows when folded whole, with no caches. */
async function freshView(query: string) {
  const kb = await openKnowledgeBase({ log: await openLog() });
  closing.push(kb);
  return view(kb, query);
}

describe("caches a short process leaves as they are", () => {
  it("are not rewritten by a process that captures one document, and the next open still finds it", async () => {
    await seed(60);
    const before = cacheFiles();

    const writer = await openProcess();
    const { id } = await writer.capture({
      kind: "note",
      title: "Quartz migration",
      body: "The quartz scheduler moves to the new cluster.",
      source: { system: "wiki", uri: "notes/quartz.md" },
    });
    await writer.close();
    expect(cacheFiles()).toEqual(before);

    const reader = await openProcess();
    closing.push(reader);
    const lexical = await reader.search("quartz scheduler", { mode: "lexical" });
    expect(lexical.hits.map((hit) => hit.document.id)).toEqual([id]);
    const hybrid = await reader.search("quartz scheduler", { mode: "hybrid" });
    expect(hybrid.hits[0]?.document.id).toBe(id);
    expect(hybrid.warning).toBeUndefined();
  });

  it("neither read the vector graphs nor embed for a capture, a listing and a lexical search", async () => {
    const ids = await seed(30);
    // Graphs that cannot be read: a process that needs them embeds every chunk again.
    for (const name of readdirSync(cacheDir).filter((file) => /^knowledge\.hnsw\.g/.test(file))) {
      writeFileSync(join(cacheDir, name), "not a graph");
    }
    const embedder = countingEmbedder();
    const kb = await openProcess(embedder);
    closing.push(kb);
    await kb.capture({
      kind: "note",
      title: "Quartz migration",
      body: "The quartz scheduler moves.",
      source: { system: "wiki", uri: "notes/quartz.md" },
    });
    await kb.revise(ids[3] as string, { body: "The ledger flow, revised: quartz too." });
    expect(await kb.list({ limit: Number.POSITIVE_INFINITY })).toHaveLength(31);
    expect((await kb.search("quartz", { mode: "lexical" })).hits).toHaveLength(2);
    expect(embedder.texts).toBe(0);

    const hybrid = await kb.search("quartz", { mode: "hybrid" });
    expect(hybrid.hits.map((hit) => hit.document.title)).toContain("Quartz migration");
    expect(embedder.texts).toBeGreaterThan(31);
  });

  it("are folded after their position by each later process, and saved once the events pass the threshold", async () => {
    const ids = await seed(200);
    const saved = cacheFiles();

    // Short processes, each a few writes: captures, a revision, a retraction, a link.
    const steps: ((kb: KnowledgeBase) => Promise<unknown>)[] = [
      (kb) => captureNotes(kb, "quartz", 1, 0),
      (kb) => kb.revise(ids[10] as string, { body: "The ledger flow now posts quartz entries twice." }),
      (kb) => kb.retract(ids[11] as string, "duplicate of note 10"),
      (kb) => captureNotes(kb, "quartz", 1, 1),
      (kb) => kb.link(ids[12] as string, { type: "relates-to", target: ids[10] as string }),
    ];
    for (const step of steps) {
      const kb = await openProcess();
      await step(kb);
      await kb.close();
    }
    expect(cacheFiles()).toEqual(saved);
    const stale = await openProcess();
    closing.push(stale);
    expect(await view(stale, "quartz ledger flow")).toEqual(await freshView("quartz ledger flow"));
    expect((await stale.search("quartz entries twice", { mode: "hybrid" })).hits[0]?.document.id).toBe(
      ids[10],
    );

    // 200 documents: 10 events since the caches make them due; the process that folds them saves.
    for (let index = 2; index < 12; index += 1) {
      const kb = await openProcess();
      await captureNotes(kb, "quartz", 1, index);
      await kb.close();
    }
    expect(cacheFiles()).not.toEqual(saved);
    const reopened = await openProcess();
    closing.push(reopened);
    expect(await view(reopened, "quartz ledger flow")).toEqual(await freshView("quartz ledger flow"));
  });
});

describe("a checkpoint in a running process", () => {
  it("lets the write that crosses it return before the caches are written, and close waits for them", async () => {
    const kb = await openKnowledgeBase({ log: await openLog(), dir: cacheDir, checkpointEvery: 5 });
    await captureNotes(kb, "ledger", 5);
    expect(existsSync(join(cacheDir, "knowledge.snapshot"))).toBe(false);
    await kb.close();
    expect(existsSync(join(cacheDir, "knowledge.snapshot"))).toBe(true);

    const reopened = await openProcess();
    closing.push(reopened);
    expect(await view(reopened, "ledger runbook")).toEqual(await freshView("ledger runbook"));
  });

  it("leaves caches that read back as the whole log folded, when the process closes right after it", async () => {
    const kb = await openKnowledgeBase({ log: await openLog(), dir: cacheDir, checkpointEvery: 7 });
    const ids = await captureNotes(kb, "ledger", 20);
    // Writes in flight together while checkpoints start after some of them.
    await Promise.all([
      captureNotes(kb, "quartz", 15),
      ...ids
        .slice(0, 6)
        .map((id, index) => kb.revise(id, { body: `The ledger flow, revision ${index}: quartz.` })),
      kb.retract(ids[7] as string, "written twice"),
    ]);
    await kb.close();

    const reopened = await openProcess();
    closing.push(reopened);
    expect(await view(reopened, "quartz ledger")).toEqual(await freshView("quartz ledger"));
    expect(await reopened.list({ limit: Number.POSITIVE_INFINITY })).toHaveLength(34);
  });
});
