import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFixture } from "../../core/test/fixtures/runChild.js";
import {
  folderSourceSystem,
  importMarkdownFolder,
  type KnowledgeBase,
  openKnowledgeBase,
} from "../src/index.js";
import { words } from "./fixtures/seededRandom.js";

const child = join(import.meta.dirname, "fixtures", "knowledgeChild.ts");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-killed-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every imported document is the first vector-mode hit for its own words. */
async function expectEachFoundByVector(kb: KnowledgeBase, folder: string): Promise<number> {
  const imported = await kb.fromSystem(folderSourceSystem("markdown", folder));
  for (const document of imported) {
    const text = /^[a-z]{7} [a-z]{7} [a-z]{7}$/m.exec(document.body)?.[0] as string;
    const result = await kb.search(text, { mode: "vector", limit: 3 });
    expect(result.warning).toBeUndefined();
    expect(result.hits[0]?.document.id, `${document.title}: ${text}`).toBe(document.id);
  }
  return imported.length;
}

describe("vector index after an import killed midway", () => {
  it("finds by vector search every document the log holds, after reopening and after finishing the import", async () => {
    const folder = join(dir, "notes");
    mkdirSync(folder);
    for (let index = 0; index < 80; index += 1) {
      writeFileSync(
        join(folder, `note-${String(index).padStart(3, "0")}.md`),
        `# Note ${index}\n\n${words(index)}\n`,
      );
    }
    const db = join(dir, "factory.db");
    const cache = join(dir, "knowledge");
    // The child saves its caches every 10 events, so the kill lands after some checkpoints and before others.
    const importer = await startFixture(child, ["import", db, cache, folder], "progress 25");
    importer.child.kill("SIGKILL");
    expect((await importer.exited).signal).toBe("SIGKILL");
    // A checkpoint was saved: reopening loads a vector index from disk and catches it up with the log.
    expect(existsSync(join(cache, "knowledge.hnsw.json"))).toBe(true);

    const log = await openEventLog({ path: db });
    let kb = await openKnowledgeBase({ log, dir: cache });
    const found = await expectEachFoundByVector(kb, folder);
    expect(found).toBeGreaterThanOrEqual(25);
    expect(found).toBeLessThan(80);

    const rest = await importMarkdownFolder(kb, folder);
    expect(rest.captured).toBe(80 - found);
    expect(await expectEachFoundByVector(kb, folder)).toBe(80);
    await kb.close();

    kb = await openKnowledgeBase({ log, dir: cache });
    expect(await expectEachFoundByVector(kb, folder)).toBe(80);
    await kb.close();
    await log.close();
  });
});
