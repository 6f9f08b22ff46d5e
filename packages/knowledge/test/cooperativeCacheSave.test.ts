import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openKnowledgeBase } from "../src/index.js";
import { appendNotes, expectSearchesAsRebuilt } from "./fixtures/crashedSaves.js";
import { exactVectors } from "./fixtures/exactVectors.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-cooperative-save-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("saving the caches on close", () => {
  it("lets the event loop turn while it saves, and the caches then answer as rebuilt from the log", async () => {
    const db = join(dir, "factory.db");
    const cache = join(dir, "knowledge");
    const log = await openEventLog({ path: db });
    await appendNotes(log, 0, 1_500);
    // Saves once, on close, with removed entries for the lexical index to compact first.
    const kb = await openKnowledgeBase({
      log,
      dir: cache,
      vectorIndex: exactVectors,
      checkpointEvery: 1_000_000,
    });
    for (let index = 0; index < 60; index += 1)
      await kb.retract(`note_${index * 7}`, "cooperative save test");

    let closing = true;
    let turns = 0;
    const ticking = (async () => {
      while (closing) {
        turns += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await kb.close();
    closing = false;
    await ticking;
    await log.close();

    // Compacting, writing the graphs off the thread, then the snapshot frame by frame: many turns, where it took none.
    expect(turns).toBeGreaterThan(20);
    await expectSearchesAsRebuilt(db, cache, 1_500);
  }, 120_000);
});
