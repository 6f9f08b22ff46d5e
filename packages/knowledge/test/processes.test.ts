import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnFixture, startFixture, waitForExit, waitForOutput } from "../../core/test/fixtures/runChild.js";
import { folderSourceSystem, importMarkdownFolder, openKnowledgeBase } from "../src/index.js";

const child = join(import.meta.dirname, "fixtures", "knowledgeChild.ts");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-proc-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("knowledge base across processes", () => {
  it("matches the log after an import killed midway, and finishes the import without duplicates", async () => {
    const folder = join(dir, "notes");
    mkdirSync(folder);
    for (let index = 0; index < 80; index += 1) {
      writeFileSync(
        join(folder, `note-${String(index).padStart(3, "0")}.md`),
        `# Note ${index}\n\nuniqueword${index} text`,
      );
    }
    const db = join(dir, "factory.db");
    const cache = join(dir, "knowledge");
    const importer = spawnFixture(child, ["import", db, cache, folder]);
    const exited = waitForExit(importer);
    await waitForOutput(importer, "progress 25");
    importer.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");

    const log = await openEventLog({ path: db });
    const kb = await openKnowledgeBase({ log, dir: cache });
    const imported = await kb.fromSystem(folderSourceSystem("markdown", folder));
    expect(imported.length).toBeGreaterThanOrEqual(25);
    expect(imported.length).toBeLessThan(80);
    for (const document of imported) {
      const word = /uniqueword\d+/.exec(document.body)?.[0] as string;
      expect((await kb.search(word, { mode: "lexical" })).hits[0]?.document.id).toBe(document.id);
    }
    const rest = await importMarkdownFolder(kb, folder);
    expect(rest.captured).toBe(80 - imported.length);
    expect(await kb.fromSystem(rest.system)).toHaveLength(80);
    await kb.close();
    await log.close();
  });

  it("keeps every capture of two processes writing at once, and each sees the other's", async () => {
    const db = join(dir, "factory.db");
    const start = join(dir, "start");
    const writers = await Promise.all(
      ["alpha", "beta"].map((name) => startFixture(child, ["capture", db, name, "20", start], "ready")),
    );
    writeFileSync(start, "");
    for (const exit of await Promise.all(writers.map((writer) => writer.exited)))
      expect(exit.code, exit.stderr).toBe(0);

    const log = await openEventLog({ path: db });
    const kb = await openKnowledgeBase({ log });
    expect(await kb.fromSystem("alpha")).toHaveLength(20);
    expect(await kb.fromSystem("beta")).toHaveLength(20);
    expect((await kb.search("wordalphax7", { mode: "lexical" })).hits[0]?.document.title).toBe(
      "alpha note 7",
    );
    await kb.close();
    await log.close();
  });
});
