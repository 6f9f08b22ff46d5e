import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openKnowledgeBase } from "../src/index.js";
import { appendNotes, expectSearchesAsRebuilt } from "./fixtures/crashedSaves.js";
import { exactVectors } from "./fixtures/exactVectors.js";

const NOTES = 600;
/** Writes after which the checkpoint's save must have been written. */
const WRITES_BOUND = 2000;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-writes-during-checkpoint-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("a write made while a checkpoint saves the caches", () => {
  it("returns before the save has written them, and the caches then answer as rebuilt from the log", async () => {
    const db = join(dir, "factory.db");
    const cache = join(dir, "knowledge");
    const snapshot = join(cache, "knowledge.snapshot");
    const log = await openEventLog({ path: db });
    await appendNotes(log, 0, NOTES);
    // The first write after the notes crosses the checkpoint: the save starts once it returns.
    const kb = await openKnowledgeBase({
      log,
      dir: cache,
      vectorIndex: exactVectors,
      checkpointEvery: NOTES + 1,
    });
    await kb.retract("note_0", "checkpoint test");
    expect(existsSync(snapshot)).toBe(false);

    // Made while the save runs: it re-cuts a document and takes its vectors out without waiting for the save.
    await kb.retract("note_1", "checkpoint test");
    expect(existsSync(snapshot)).toBe(false);

    // Enough events after the checkpoint's position for close to save again (one in 20 of the documents).
    for (let index = 2; index < 2 + NOTES / 20; index += 1) {
      await kb.retract(`note_${index * 7}`, "checkpoint test");
    }
    await kb.close();
    expect(existsSync(snapshot)).toBe(true);
    await log.close();
    await expectSearchesAsRebuilt(db, cache, NOTES);
  });

  it("lets the save go on, so it is written while writes go on one after the other, and the caches answer as rebuilt", async () => {
    const cache = join(dir, "knowledge");
    const snapshot = join(cache, "knowledge.snapshot");
    const db = join(dir, "factory.db");
    const log = await openEventLog({ path: db });
    await appendNotes(log, 0, NOTES);
    const kb = await openKnowledgeBase({
      log,
      dir: cache,
      vectorIndex: exactVectors,
      checkpointEvery: NOTES + 1,
    });
    await kb.retract("note_0", "checkpoint test");
    // Many times the save's steps (embedding batches, file writes): before, it went on only when the writes stopped.
    let writes = 0;
    while (!existsSync(snapshot) && writes < WRITES_BOUND) {
      await kb.capture({
        kind: "note",
        title: `Later ${writes}`,
        body: `later note ${writes} topic${writes % 40}`,
        source: { system: "checkpoint-test", uri: `later/${writes}.md` },
      });
      writes += 1;
    }
    expect(existsSync(snapshot)).toBe(true);
    await kb.close();
    await log.close();
    await expectSearchesAsRebuilt(db, cache, NOTES);
  });
});
