import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, type ManualClock, manualClock, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countTokens, type KnowledgeBase, openKnowledgeBase } from "../src/index.js";

let dir: string;
let clock: ManualClock;
let log: EventLog;
let kb: KnowledgeBase;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-asof-"));
  clock = manualClock("2026-01-01T00:00:00Z");
  log = await openEventLog({ path: join(dir, "factory.db"), clock });
  kb = await openKnowledgeBase({ log, dir: join(dir, "knowledge") });
});

afterEach(async () => {
  await kb.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const note = (title: string, body: string) => ({
  kind: "note" as const,
  title,
  body,
  source: { system: "test" },
  validFrom: "2025-12-01T00:00:00Z",
});
/** Between the capture (midnight) and the revision (one o'clock). */
const t1 = "2026-01-01T00:30:00.000Z";

/** Captures the retry note at midnight and revises it at one o'clock. */
async function retryNoteRevised(): Promise<string> {
  const doc = await kb.capture(note("Payments", "We retry payments twice."));
  await kb.capture(note("Onboarding", "New users see a tour of the payments page."));
  clock.advance(3_600_000);
  await kb.revise(doc.id, { title: "Payment retries", body: "We retry payments three times." });
  return doc.id;
}

describe("search as of an instant", () => {
  it("snips and returns the revision in force then, not the latest", async () => {
    const id = await retryNoteRevised();

    const then = await kb.search("retry payments", { asOf: t1 });
    const now = await kb.search("retry payments");

    expect(then.hits[0]?.document.id).toBe(id);
    expect(then.hits[0]?.snippet).toBe("We **retry** **payments** twice.");
    expect(then.hits[0]?.document.title).toBe("Payments");
    expect(then.hits[0]?.document.contentHash).toBe((await kb.get(id, { asOf: t1 }))?.contentHash);
    expect(now.hits[0]?.snippet).toBe("We **retry** **payments** three times.");
    expect(now.hits[0]?.document.title).toBe("Payment retries");
  });

  it("snips the revision in force then without marks with highlight false, counting the plain snippet", async () => {
    await retryNoteRevised();

    const [marked] = (await kb.search("retry payments", { asOf: t1 })).hits;
    const [plain] = (await kb.search("retry payments", { asOf: t1, highlight: false })).hits;

    expect(plain?.snippet).toBe("We retry payments twice.");
    expect(plain?.tokens).toBe(
      (marked?.tokens ?? 0) - countTokens(marked?.snippet ?? "") + countTokens("We retry payments twice."),
    );
  });

  it("scores the revision in force then: its words find it, words written later do not", async () => {
    const id = await retryNoteRevised();

    expect((await kb.search("twice", { asOf: t1 })).hits.map((hit) => hit.document.id)).toEqual([id]);
    expect((await kb.search("three times", { asOf: t1 })).hits).toEqual([]);
    expect((await kb.search("twice")).hits).toEqual([]);
    const byVector = await kb.search("retry payments twice", { asOf: t1, mode: "vector" });
    expect(byVector.hits[0]?.document.id).toBe(id);
    expect(byVector.hits[0]?.snippet).toContain("twice");
  });

  it("finds a document retracted since, at an instant before the retraction", async () => {
    const doc = await kb.capture(note("Refunds", "Refunds take 14 days."));
    clock.advance(3_600_000);
    await kb.retract(doc.id, "wrong");

    const then = await kb.search("refunds", { asOf: t1 });

    expect(then.hits.map((hit) => hit.document.id)).toEqual([doc.id]);
    expect(then.hits[0]?.snippet).toBe("**Refunds** take 14 days.");
    expect((await kb.search("refunds")).hits).toEqual([]);
  });

  it("answers the same from a knowledge base opened on the saved caches", async () => {
    const id = await retryNoteRevised();
    await kb.close();

    kb = await openKnowledgeBase({ log, dir: join(dir, "knowledge") });
    const then = await kb.search("retry payments", { asOf: t1 });

    expect(then.hits[0]?.document.id).toBe(id);
    expect(then.hits[0]?.snippet).toBe("We **retry** **payments** twice.");
  });
});
