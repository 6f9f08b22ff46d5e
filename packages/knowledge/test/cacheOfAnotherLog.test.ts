import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type KnowledgeBase, openKnowledgeBase } from "../src/index.js";

let dir: string;
const closing: { close(): Promise<void> }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-cache-log-"));
});

afterEach(async () => {
  for (const part of closing.splice(0).reverse()) await part.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A SQLite log in the temp folder; all of them share one cache folder. */
async function openLog(file: string): Promise<EventLog> {
  const log = await openEventLog({ path: join(dir, file) });
  closing.push(log);
  return log;
}

async function openOver(log: EventLog): Promise<KnowledgeBase> {
  const kb = await openKnowledgeBase({ log, dir: join(dir, "cache") });
  closing.push(kb);
  return kb;
}

/** Imports `count` notes from one source system, one document per address. */
async function importNotes(kb: KnowledgeBase, system: string, word: string, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await kb.captureOrRevise({
      kind: "note",
      title: `${word} note ${index}`,
      body: `The ${word} flow, part ${index}.`,
      source: { system, uri: `notes/${index}.md` },
    });
  }
}

describe("caches of another log", () => {
  it("are rebuilt from the log they are opened over, not taken for its state", async () => {
    const first = await openLog("first.db");
    const writer = await openOver(first);
    await importNotes(writer, "wiki", "kumquat", 30);
    await writer.close();

    const other = await openLog("other.db");
    const reader = await openOver(other);
    expect(await reader.list()).toEqual([]);
    expect((await reader.search("kumquat")).hits).toEqual([]);

    // The first notes land at positions the first log's caches claim to cover.
    await importNotes(reader, "wiki", "quince", 40);
    const listed = await reader.list({ limit: Number.POSITIVE_INFINITY });
    expect(listed).toHaveLength(40);
    const found = await reader.search("quince note 3", { limit: 100 });
    expect(found.hits.map((hit) => hit.document.title)).toContain("quince note 3");
    expect(found.hits.every((hit) => hit.document.title.startsWith("quince"))).toBe(true);
    await reader.close();

    // Its own caches, saved on close, are taken when it is opened again.
    const again = await openOver(other);
    expect(await again.list({ limit: Number.POSITIVE_INFINITY })).toHaveLength(40);
    expect((await again.search("kumquat")).hits).toEqual([]);
  });

  it("are not taken for a longer log that holds other events at their position", async () => {
    const first = await openLog("first.db");
    const writer = await openOver(first);
    await importNotes(writer, "wiki", "kumquat", 10);
    await writer.close();

    const other = await openLog("other.db");
    const uncached = await openKnowledgeBase({ log: other });
    closing.push(uncached);
    await importNotes(uncached, "wiki", "quince", 25);
    const reader = await openOver(other);
    const listed = await reader.list({ limit: Number.POSITIVE_INFINITY });
    expect(listed.map((document) => document.title).sort()).toEqual(
      (await uncached.list({ limit: Number.POSITIVE_INFINITY })).map((document) => document.title).sort(),
    );
    expect(listed).toHaveLength(25);
    expect((await reader.search("kumquat")).hits).toEqual([]);
  });

  it("keep no vectors stamped by another log at the same position", async () => {
    const first = await openLog("first.db");
    const kumquats = await openKnowledgeBase({ log: first, dir: join(dir, "first-cache") });
    await importNotes(kumquats, "wiki", "kumquat", 12);
    await kumquats.close();
    const other = await openLog("other.db");
    const writer = await openOver(other);
    await importNotes(writer, "wiki", "quince", 12);
    await writer.close();
    for (const file of readdirSync(join(dir, "first-cache"))) {
      if (file.startsWith("knowledge.hnsw"))
        copyFileSync(join(dir, "first-cache", file), join(dir, "cache", file));
    }

    const reader = await openOver(other);
    const { hits } = await reader.search("quince flow", { mode: "vector", limit: 20 });
    expect(hits).toHaveLength(12);
  });

  it("are not taken for a log started again after the old one was deleted", async () => {
    const first = await openLog("factory.db");
    const writer = await openOver(first);
    await importNotes(writer, "wiki", "kumquat", 5);
    await writer.close();
    await first.close();
    rmSync(join(dir, "factory.db"));

    const fresh = await openLog("factory.db");
    const reader = await openOver(fresh);
    expect(await reader.list()).toEqual([]);
    const captured = await reader.captureOrRevise({
      kind: "note",
      title: "Quince",
      body: "The quince flow.",
      source: { system: "wiki", uri: "notes/0.md" },
    });
    expect(captured.outcome).toBe("captured");
    expect((await reader.search("quince")).hits.map((hit) => hit.document.id)).toEqual([
      captured.document.id,
    ]);
    expect((await reader.search("kumquat")).hits).toEqual([]);
  });
});
