import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFixture } from "../../core/test/fixtures/runChild.js";
import { openKnowledgeBase } from "../src/index.js";
import { appendNotes, expectSearchesAsRebuilt } from "./fixtures/crashedSaves.js";
import { exactVectors } from "./fixtures/exactVectors.js";

const child = join(import.meta.dirname, "fixtures", "cacheSaverChild.ts");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-killed-saves-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A log of `notes` notes in `folder`, and the caches of a knowledge base that indexed them and closed. */
async function savedKnowledgeBase(folder: string, notes: number): Promise<{ db: string; cache: string }> {
  const db = join(folder, "factory.db");
  const cache = join(folder, "knowledge");
  const log = await openEventLog({ path: db });
  await appendNotes(log, 0, notes);
  const kb = await openKnowledgeBase({ log, dir: cache, vectorIndex: exactVectors });
  await kb.sync();
  await kb.close();
  await log.close();
  return { db, cache };
}

/**
 * Copies the saved caches in `base` to `round` and starts a child there that retracts 40 notes and dies at the
 * `step`-th file change of saving them (or saves); resolves with its exit.
 */
function killedAt(base: string, round: string, step: number) {
  cpSync(base, round, { recursive: true });
  const db = join(round, "factory.db");
  const cache = join(round, "knowledge");
  const exit = startFixture(child, ["cut", db, cache, String(step), "40"], "ready").then(
    (saver) => saver.exited,
  );
  // Rejections are seen where the exit is awaited.
  exit.catch(() => undefined);
  return { round, db, cache, exit };
}

describe("caches of a process killed while saving them", () => {
  it("search as if rebuilt from the log, whichever file change of the save the kill came before", async () => {
    const base = join(dir, "base");
    await savedKnowledgeBase(base, 300);
    let cuts = 0;
    // Each cut starts from the same saved caches: the child retracts 40 notes, then dies saving them.
    let next = killedAt(base, join(dir, "step-1"), 1);
    for (let step = 1; ; step += 1) {
      const { round, db, cache } = next;
      const exit = await next.exit;
      if (exit.code === 0) {
        expect(exit.stdout).toContain("saved");
        await expectSearchesAsRebuilt(db, cache, 300);
        break;
      }
      // The next child loads the package (most of its time) while this one's caches are checked.
      next = killedAt(base, join(dir, `step-${step + 1}`), step + 1);
      expect(exit.signal, exit.stderr).toBe("SIGKILL");
      cuts += 1;
      await expectSearchesAsRebuilt(db, cache, 300);
      rmSync(round, { recursive: true, force: true });
    }
    // Writing, flushing and renaming the vector manifest and the snapshot, at least.
    expect(cuts).toBeGreaterThanOrEqual(6);
  }, 300_000);
});
