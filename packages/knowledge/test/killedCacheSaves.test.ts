import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFixture } from "../../core/test/fixtures/runChild.js";
import { createHashingEmbedder, type Embedder, openKnowledgeBase } from "../src/index.js";
import { appendNotes, searchesOf } from "./fixtures/crashedSaves.js";
import { exactVectors } from "./fixtures/exactVectors.js";

const child = join(import.meta.dirname, "fixtures", "cacheSaverChild.ts");
const NOTES = 300;
/** How a vector generation's files are named: after the process that saved them, which differs from run to run. */
const GENERATION = /knowledge\.hnsw\.g\d+-\d+-[0-9a-f]+/g;
/** What a save leaves in the cache folder: the snapshot, and the vector manifest with its one graph file. */
const COMMITTED = ["<generation>.0", "knowledge.hnsw.json", "knowledge.snapshot"];
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-killed-saves-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A file as a user finds it: its length and SHA-256, or `none`. */
function fingerprint(content: Buffer | string | undefined): string {
  if (content === undefined) return "none";
  return `${Buffer.byteLength(content)} bytes, sha256 ${createHash("sha256").update(content).digest("hex")}`;
}

/** The caches on disk: the snapshot, and the vector manifest with its files' names masked (they hold the saving process's id). */
function cachesOn(cache: string): { snapshot: string; manifest: string } {
  const read = (file: string) =>
    existsSync(join(cache, file)) ? readFileSync(join(cache, file)) : undefined;
  const manifest = read("knowledge.hnsw.json")?.toString("utf8");
  return {
    snapshot: fingerprint(read("knowledge.snapshot")),
    manifest: fingerprint(manifest?.replace(GENERATION, "<generation>")),
  };
}

/** Starts a child that opens the knowledge base over `folder` and saves its caches, dying at the `step`-th file change of the save (or saving); resolves with its exit. */
function saver(folder: string, step: number) {
  const cache = join(folder, "knowledge");
  const exit = startFixture(child, ["cut", join(folder, "factory.db"), cache, String(step)], "ready").then(
    (started) => started.exited,
  );
  // Rejections are seen where the exit is awaited.
  exit.catch(() => undefined);
  return { folder, cache, exit };
}

/**
 * A log of 300 notes in `folder` with the caches another process saved of them (as a previous run of a
 * command would), then 40 retractions appended after those caches; resolves with the answers of searches
 * from the log alone.
 */
async function staleCaches(folder: string): Promise<string[]> {
  const log = await openEventLog({ path: join(folder, "factory.db") });
  await appendNotes(log, 0, NOTES);
  const first = await saver(folder, Number.MAX_SAFE_INTEGER).exit;
  expect(first.stdout, first.stderr).toContain("saved");
  const fromLog = await openKnowledgeBase({ log, vectorIndex: exactVectors });
  for (let index = 0; index < 40; index += 1) await fromLog.retract(`note_${index}`, "crash test");
  const answers = await searchesOf(fromLog, NOTES);
  await fromLog.close();
  await log.close();
  return answers;
}

/** Copies `base` to `round` and starts a {@link saver} there. */
function savedUpTo(base: string, round: string, step: number) {
  cpSync(base, round, { recursive: true });
  return saver(round, step);
}

/** The hashing embedder, counting the texts it embeds: what a paid embedder would bill. */
function countingEmbedder(): { embedder: Embedder; readonly texts: number } {
  const hashing = createHashingEmbedder();
  let texts = 0;
  return {
    embedder: {
      id: hashing.id,
      dimension: hashing.dimension,
      semantic: hashing.semantic,
      embed: (batch) => {
        texts += batch.length;
        return hashing.embed(batch);
      },
    },
    get texts() {
      return texts;
    },
  };
}

/**
 * Opens a knowledge base over the caches the child left in `round` and closes it (which saves them when they
 * were stale): the texts it embedded on opening, its answers to the searches, and the cache files left.
 */
async function reopened(round: string): Promise<{ embedded: number; answers: string[]; files: string[] }> {
  const cache = join(round, "knowledge");
  const log = await openEventLog({ path: join(round, "factory.db") });
  const counting = countingEmbedder();
  const kb = await openKnowledgeBase({
    log,
    dir: cache,
    embedder: counting.embedder,
    vectorIndex: exactVectors,
  });
  let embedded: number;
  let answers: string[];
  try {
    embedded = counting.texts;
    answers = await searchesOf(kb, NOTES);
  } finally {
    await kb.close();
    await log.close();
  }
  return { embedded, answers, files: filesIn(cache) };
}

/** Whether `cache` holds a temporary snapshot shorter than the whole one (`bytes`): the kill came while it was written. */
function writingSnapshot(cache: string, bytes: number): boolean {
  return readdirSync(cache).some(
    (file) => /^knowledge\.snapshot\..+\.tmp$/.test(file) && statSync(join(cache, file)).size < bytes,
  );
}

/** The files in `cache`, the names of vector generations masked. */
function filesIn(cache: string): string[] {
  return readdirSync(cache)
    .map((file) => file.replace(GENERATION, "<generation>"))
    .sort();
}

describe("caches of a process killed while saving them", () => {
  it("are the previous save or the new one, whichever file change the kill came before, and answer as rebuilt from the log", async () => {
    const base = join(dir, "base");
    const fromLog = await staleCaches(base);
    const previous = cachesOn(join(base, "knowledge"));

    // The first kills start with the whole save, which tells how many file changes it makes and what it writes.
    const whole = savedUpTo(base, join(dir, "whole"), Number.MAX_SAFE_INTEGER);
    const started = new Map([1, 2].map((step) => [step, savedUpTo(base, join(dir, `step-${step}`), step)]));
    const saved = await whole.exit;
    const changes = Number(/saved after (\d+) file changes/.exec(saved.stdout)?.[1]);
    // Writing and renaming the vector manifest and the snapshot, at least.
    expect(changes, saved.stdout + saved.stderr).toBeGreaterThanOrEqual(4);
    const next = cachesOn(whole.cache);
    const nextBytes = statSync(join(whole.cache, "knowledge.snapshot")).size;
    expect(next.snapshot).not.toBe(previous.snapshot);
    expect(next.manifest).not.toBe(previous.manifest);
    expect(await reopened(whole.folder)).toEqual({ embedded: 0, answers: fromLog, files: COMMITTED });

    // Two kills at a time: each child spends most of its time loading the package, while the last one's caches are checked.
    const left = { previous: 0, vectorsOnly: 0, whileWritingSnapshot: 0 };
    for (let step = 1; step <= changes; step += 1) {
      const round = started.get(step) as ReturnType<typeof savedUpTo>;
      const exit = await round.exit;
      if (step + 2 <= changes)
        started.set(step + 2, savedUpTo(base, join(dir, `step-${step + 2}`), step + 2));
      expect(exit.signal, `step ${step}: ${exit.stdout}${exit.stderr}`).toBe("SIGKILL");
      const { snapshot, manifest } = cachesOn(round.cache);
      // Never a part of a file: each is as the previous save left it or as this save writes it.
      expect([previous.snapshot, next.snapshot], `snapshot after a kill at step ${step}`).toContain(snapshot);
      expect([previous.manifest, next.manifest], `vector manifest after a kill at step ${step}`).toContain(
        manifest,
      );
      const vectorsOnly = snapshot === previous.snapshot && manifest === next.manifest;
      if (snapshot === previous.snapshot) left[vectorsOnly ? "vectorsOnly" : "previous"] += 1;
      if (writingSnapshot(round.cache, nextBytes)) {
        left.whileWritingSnapshot += 1;
        // The longest part of a save: a kill then costs no embedding either.
        expect(manifest, `vector manifest after a kill at step ${step}, while the snapshot was written`).toBe(
          previous.manifest,
        );
      }
      const { embedded, answers, files } = await reopened(round.folder);
      // The vectors of either save serve: nothing is embedded again, but after vectors stamped later than the snapshot.
      if (!vectorsOnly) expect(embedded, `texts embedded after a kill at step ${step}`).toBe(0);
      expect(answers, `searches after a kill at step ${step}`).toEqual(fromLog);
      // The next save (on closing, unless the caches were already the new ones) takes away what the kill left.
      expect(files, `cache files after a kill at step ${step} and a save`).toEqual(COMMITTED);
      rmSync(round.folder, { recursive: true, force: true });
    }
    // Kills came before the save committed anything, while it wrote the snapshot, and between its two commits (the whole save shows what follows).
    expect(
      Object.values(left).every((count) => count > 0),
      JSON.stringify(left),
    ).toBe(true);
  }, 180_000);
});
