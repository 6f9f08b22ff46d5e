import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, type ManualClock, manualClock, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type KnowledgeBase, openKnowledgeBase } from "../src/index.js";

let dir: string;
let clock: ManualClock;
let log: EventLog;
let kb: KnowledgeBase;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-asof-documents-"));
  clock = manualClock("2026-01-01T00:00:00Z");
  log = await openEventLog({ path: join(dir, "factory.db"), clock });
  kb = await openKnowledgeBase({ log, dir: join(dir, "knowledge") });
});

afterEach(async () => {
  await kb.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Half an hour after the capture, before the link and the revision. */
const then = "2026-01-01T00:30:00.000Z";

/** A note captured at midnight with tag v1, linked at one o'clock, revised at two (tag v2, line mcp), moved at three. */
async function probeChangedSince(): Promise<string> {
  const { id } = await kb.capture({
    kind: "note",
    title: "asOf probe",
    body: "v1 body",
    tags: ["v1"],
    source: { system: "test", uri: "notes/probe.md" },
  });
  clock.advance(3_600_000);
  await kb.link(id, { type: "relatesTo", target: "wi_later" });
  clock.advance(3_600_000);
  await kb.revise(id, { body: "v2 body", tags: ["v2"], lines: ["mcp"], reason: "update" });
  clock.advance(3_600_000);
  await kb.move(id, "notes/probe-moved.md");
  return id;
}

describe("a document as of an instant", () => {
  it("reads as it was then: that revision's tags and lines, the links and address it had, its last event then", async () => {
    const id = await probeChangedSince();
    const captured = await kb.get(id, { asOf: "2026-01-01T00:00:00.000Z" });

    const read = await kb.get(id, { asOf: then });

    expect(read).toMatchObject({
      title: "asOf probe",
      body: "v1 body",
      tags: ["v1"],
      lines: [],
      links: [],
      source: { system: "test", uri: "notes/probe.md" },
      updatedAt: "2026-01-01T00:00:00.000Z",
      seq: captured?.revisions[0]?.seq,
    });
    expect(read?.revisions.map((revision) => revision.revision)).toEqual([1]);
    expect(read?.moves).toBeUndefined();
  });

  it("keeps the links made before the instant and the revision then, dropping what came later", async () => {
    const id = await probeChangedSince();

    const linked = await kb.get(id, { asOf: "2026-01-01T01:30:00.000Z" });
    const revised = await kb.get(id, { asOf: "2026-01-01T02:30:00.000Z" });

    expect(linked).toMatchObject({
      body: "v1 body",
      tags: ["v1"],
      links: [{ type: "relatesTo", target: "wi_later" }],
      updatedAt: "2026-01-01T01:00:00.000Z",
    });
    expect(revised).toMatchObject({
      body: "v2 body",
      tags: ["v2"],
      lines: ["mcp"],
      source: { uri: "notes/probe.md" },
      updatedAt: "2026-01-01T02:00:00.000Z",
    });
    expect(revised?.revisions.map((revision) => revision.tags)).toEqual([["v1"], ["v2"]]);
  });

  it("is found by the tags and lines it had then, not by those of a later revision", async () => {
    await probeChangedSince();
    const search = (filters: { tags?: string[]; lines?: string[] }) =>
      kb.search("asOf probe body", { asOf: then, ...filters });

    const byTagThen = await search({ tags: ["v1"] });
    const byTagLater = await search({ tags: ["v2"] });
    const byLineLater = await search({ lines: ["mcp"] });

    expect(byTagThen.hits.map((hit) => hit.snippet)).toEqual(["v1 **body**"]);
    expect(byTagThen.hits[0]?.document).toMatchObject({ tags: ["v1"], lines: [], links: [] });
    expect(byTagLater.hits).toEqual([]);
    expect(byLineLater.hits).toEqual([]);
  });

  it("shows a search hit never revised with the links it had then", async () => {
    const { id } = await kb.capture({
      kind: "note",
      title: "Link probe",
      body: "linked later",
      source: { system: "test" },
    });
    clock.advance(3_600_000);
    await kb.link(id, { type: "relatesTo", target: "wi_later" });

    const found = await kb.search("linked later", { asOf: then });

    expect(found.hits[0]?.document).toMatchObject({ id, links: [], updatedAt: "2026-01-01T00:00:00.000Z" });
  });

  it("lists the documents with the tags they had then, as they read then", async () => {
    const id = await probeChangedSince();

    const listed = await kb.list({ asOf: then, tags: ["v1"] });
    const notYet = await kb.list({ asOf: then, tags: ["v2"] });

    expect(listed.map((document) => [document.id, document.body, document.tags])).toEqual([
      [id, "v1 body", ["v1"]],
    ]);
    expect(notYet).toEqual([]);
  });

  it("reads the same after the caches are saved and loaded by another process", async () => {
    const id = await probeChangedSince();
    await kb.close();
    kb = await openKnowledgeBase({ log, dir: join(dir, "knowledge") });

    const read = await kb.get(id, { asOf: then });

    expect(read).toMatchObject({ tags: ["v1"], links: [], source: { uri: "notes/probe.md" } });
  });
});
