import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, type ManualClock, manualClock, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  isInForce,
  type KnowledgeBase,
  type KnowledgeDocument,
  openKnowledgeBase,
  revisionAt,
} from "../src/index.js";

let dir: string;
let clock: ManualClock;
let log: EventLog;
let kb: KnowledgeBase;

/** Today, when the backfilled note is captured. */
const capturedAt = "2026-03-30T10:00:00.000Z";
/** The note's date: its fact holds from then. */
const validFrom = "2026-02-20T00:00:00.000Z";
/** After the note's date, before its capture. */
const between = "2026-03-01T00:00:00.000Z";
/** Before the note's date. */
const before = "2026-02-10T00:00:00.000Z";

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-asof-one-rule-"));
  clock = manualClock(capturedAt);
  log = await openEventLog({ path: join(dir, "factory.db"), clock });
  kb = await openKnowledgeBase({ log, dir: join(dir, "knowledge") });
});

afterEach(async () => {
  await kb.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A note dated before today, captured today (as an import of a dated file does). */
async function backfilledNote(): Promise<KnowledgeDocument> {
  return kb.capture({
    kind: "note",
    title: "Dunning levels",
    body: "Second reminder at 21 days.",
    tags: ["dunning"],
    lines: ["billing"],
    source: { system: "markdown:kb", uri: "notes/dunning.md" },
    validFrom,
  });
}

/** What get, list and search answer for `id` as of `at`, the filters given to list and search alike. */
async function readAt(id: string, at: string, filters: { tags?: string[]; lines?: string[] } = {}) {
  const got = await kb.get(id, { asOf: at });
  const listed = await kb.list({ asOf: at, ...filters });
  const found = await kb.search("second reminder", { asOf: at, ...filters });
  return { got, listed, hits: found.hits.map((hit) => hit.document) };
}

/** A document without what a search hit leaves out. */
function asHit(document: KnowledgeDocument | undefined) {
  if (document === undefined) return undefined;
  const { body: _body, revisions: _revisions, ...rest } = document;
  return rest;
}

describe("as of an instant, get, list and search agree", () => {
  it("open a backfilled note as of an instant between its date and its capture, at the revision search finds", async () => {
    const { id } = await backfilledNote();

    const { got, listed, hits } = await readAt(id, between);

    expect(got).toMatchObject({ id, body: "Second reminder at 21 days.", validFrom });
    expect(got?.revisions.map((revision) => revision.revision)).toEqual([1]);
    expect(listed).toEqual([got]);
    expect(hits).toEqual([asHit(got)]);
    expect(revisionAt(got as KnowledgeDocument, between)?.revision).toBe(1);
  });

  it("agree with the tags and lines the note had then", async () => {
    const { id } = await backfilledNote();

    const matching = await readAt(id, between, { tags: ["dunning"], lines: ["billing"] });
    const other = await readAt(id, between, { tags: ["support"] });

    expect(matching.listed.map((document) => document.id)).toEqual([id]);
    expect(matching.hits).toEqual([asHit(matching.got)]);
    expect(other.listed).toEqual([]);
    expect(other.hits).toEqual([]);
  });

  it("all leave the note out as of an instant before its date", async () => {
    const { id } = await backfilledNote();

    const { got, listed, hits } = await readAt(id, before);

    expect(got).toBeUndefined();
    expect(listed).toEqual([]);
    expect(hits).toEqual([]);
    const latest = (await kb.get(id)) as KnowledgeDocument;
    expect(revisionAt(latest, before)).toBeUndefined();
  });

  it("all leave out a note recorded before its date until that date comes", async () => {
    clock.set("2026-01-05T00:00:00Z");
    const { id } = await backfilledNote();
    clock.set(capturedAt);

    const recordedNotYetValid = await readAt(id, "2026-02-01T00:00:00.000Z");
    const valid = await readAt(id, between);

    expect(recordedNotYetValid).toEqual({ got: undefined, listed: [], hits: [] });
    expect(valid.got).toMatchObject({ id, updatedAt: "2026-01-05T00:00:00.000Z" });
    expect(valid.hits).toEqual([asHit(valid.got)]);
  });

  it("read a note revised since its capture at the revision recorded by then, else the first", async () => {
    const { id } = await backfilledNote();
    clock.set("2026-04-02T00:00:00Z");
    await kb.revise(id, { body: "Second reminder at 14 days.", reason: "policy change" });

    const beforeCapture = await readAt(id, between);
    const beforeRevision = await readAt(id, "2026-04-01T00:00:00.000Z");
    const afterRevision = await readAt(id, "2026-04-03T00:00:00.000Z");

    expect(beforeCapture.got?.body).toBe("Second reminder at 21 days.");
    expect(beforeCapture.hits).toEqual([asHit(beforeCapture.got)]);
    expect(beforeRevision.got?.body).toBe("Second reminder at 21 days.");
    expect(beforeRevision.listed).toEqual([beforeRevision.got]);
    expect(afterRevision.got?.body).toBe("Second reminder at 14 days.");
    expect(afterRevision.listed).toEqual([afterRevision.got]);
  });

  it("show a note retracted since as search found it, and out of force once retracted", async () => {
    const { id } = await backfilledNote();
    clock.set("2026-04-05T00:00:00Z");
    await kb.retract(id, "wrong team");
    const retractedSince = "2026-04-06T00:00:00.000Z";

    const then = await readAt(id, between);
    const since = await readAt(id, retractedSince);

    expect(then.hits).toEqual([asHit(then.got)]);
    expect(isInForce(then.got as KnowledgeDocument, between)).toBe(true);
    expect(since.got).toMatchObject({ id, retracted: { reason: "wrong team" } });
    expect(isInForce(since.got as KnowledgeDocument, retractedSince)).toBe(false);
    expect(since.listed).toEqual([]);
    expect(since.hits).toEqual([]);
  });
});
