import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, IdempotencyConflictError, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type KnowledgeBase, openKnowledgeBase } from "../src/index.js";

let dir: string;
let log: EventLog;
const opened: KnowledgeBase[] = [];
const source = { system: "test", author: "ana" };
const words =
  "checkout payment refund invoice shipping search ranking catalog login session webhook retry".split(" ");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-startup-"));
  log = await openEventLog({ path: join(dir, "factory.db") });
});

afterEach(async () => {
  for (const kb of opened.splice(0)) await kb.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(options: { cached?: boolean; load?: "open" | "first-use" } = {}): Promise<KnowledgeBase> {
  const kb = await openKnowledgeBase({
    log,
    ...(options.cached === false ? {} : { dir: join(dir, "knowledge") }),
    ...(options.load === undefined ? {} : { load: options.load }),
  });
  opened.push(kb);
  return kb;
}

/** Forty notes, each from three of the words, so searches rank many documents. */
async function captureNotes(kb: KnowledgeBase): Promise<void> {
  for (let index = 0; index < 40; index += 1) {
    const [a, b, c] = [words[index % 12], words[(index * 5) % 12], words[(index * 7 + 3) % 12]];
    await kb.capture({
      kind: "note",
      title: `${a} and ${b}`,
      body: `The ${a} flow calls ${b} before ${c}.`,
      source,
      lines: [`line-${index % 4}`],
    });
  }
}

const ranked = async (kb: KnowledgeBase, query: string) =>
  (await kb.search(query, { limit: 10 })).hits.map((hit) => [hit.document.id, hit.score]);

describe("opening from caches", () => {
  it("answers the same searches from its caches as from folding the whole log", async () => {
    const writer = await open();
    await captureNotes(writer);
    await writer.close();
    const fromCaches = await open();
    const fromLog = await open({ cached: false });
    for (const query of ["checkout payment", "refund before webhook", "retry session login"]) {
      const expected = await ranked(fromLog, query);
      expect(expected.length).toBeGreaterThan(0);
      expect(await ranked(fromCaches, query)).toEqual(expected);
    }
  });

  it("does not rewrite its caches on close when nothing was folded since they were loaded", async () => {
    const writer = await open();
    await captureNotes(writer);
    await writer.close();
    const snapshot = join(dir, "knowledge", "knowledge.snapshot");
    const written = statSync(snapshot).mtimeMs;
    const reader = await open();
    expect((await reader.search("checkout")).hits.length).toBeGreaterThan(0);
    await reader.close();
    expect(statSync(snapshot).mtimeMs).toBe(written);

    // Three events after the caches' position, one in 20 of the 43 documents (rounded up), make closing save.
    const changer = await open();
    for (const title of ["Later", "Later still", "Last"]) {
      await changer.capture({ kind: "note", title, body: `a note: ${title}`, source });
    }
    await changer.close();
    expect(statSync(snapshot).mtimeMs).toBeGreaterThan(written);
  });
});

describe("closing after the log", () => {
  it("closes when its log was closed first (without saving its caches), and opens again over that log", async () => {
    const path = join(dir, "closed-first.db");
    const early = await openEventLog({ path });
    const kb = await openKnowledgeBase({ log: early, dir: join(dir, "closed-first") });
    const note = await kb.capture({ kind: "note", title: "Closed first", body: "parcelo shipping", source });
    await early.close();
    await expect(kb.close()).resolves.toBeUndefined();

    const reopenedLog = await openEventLog({ path });
    try {
      const reopened = await openKnowledgeBase({ log: reopenedLog, dir: join(dir, "closed-first") });
      opened.push(reopened);
      expect((await reopened.search("parcelo")).hits.map((hit) => hit.document.id)).toEqual([note.id]);
      await reopened.close();
    } finally {
      await reopenedLog.close();
    }
  });
});

describe("a capture retried after the knowledge base was opened again from its caches", () => {
  const retried = { kind: "note" as const, title: "Retries", body: "We retry twice.", source };

  it("returns the first capture's document and writes nothing", async () => {
    const first = await open();
    const captured = await first.capture(retried, { idempotencyKey: "note-42" });
    await first.close();
    expect(statSync(join(dir, "knowledge", "knowledge.snapshot")).isFile()).toBe(true);
    const head = await log.head();

    const reopened = await open();
    expect(await reopened.capture(retried, { idempotencyKey: "note-42" })).toEqual(captured);
    expect(await log.head()).toBe(head);
    await expect(
      reopened.capture({ ...retried, body: "We retry three times." }, { idempotencyKey: "note-42" }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(await log.head()).toBe(head);
  });
});

describe("loading on first use", () => {
  it("opens without reading its caches and answers the first search with everything in the log", async () => {
    const writer = await open();
    await captureNotes(writer);
    await writer.close();
    const other = await open({ cached: false });
    const late = await other.capture({
      kind: "note",
      title: "Shipping carrier",
      body: "We ship with Parcelo.",
      source,
    });

    const lazy = await open({ load: "first-use" });
    expect(lazy.position).toBe(0);
    const hits = (await lazy.search("parcelo shipping")).hits;
    expect(hits[0]?.document.id).toBe(late.id);
    expect(lazy.position).toBe(await log.head());
    expect(await ranked(lazy, "checkout payment")).toEqual(await ranked(other, "checkout payment"));
  });

  it("takes a write as its first call, and a knowledge base never used closes without touching its caches", async () => {
    const unused = await open({ load: "first-use" });
    await unused.close();
    expect(() => statSync(join(dir, "knowledge", "knowledge.snapshot"))).toThrow();

    const lazy = await open({ load: "first-use" });
    const doc = await lazy.capture({
      kind: "note",
      title: "First write",
      body: "written before any read",
      source,
    });
    expect((await lazy.get(doc.id))?.title).toBe("First write");
    await lazy.close();
    const reopened = await open({ load: "first-use" });
    expect((await reopened.search("written before any read")).hits[0]?.document.id).toBe(doc.id);
  });

  it("refuses calls after close, whether or not it had loaded", async () => {
    const lazy = await open({ load: "first-use" });
    await lazy.close();
    await expect(lazy.search("anything")).rejects.toThrow(/closed/);
  });
});
