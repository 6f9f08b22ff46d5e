import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, type ManualClock, manualClock, openEventLog } from "@software-factory/core";
import { type KnowledgeBase, openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const DAY = 86_400_000;

let dir: string;
let clock: ManualClock;
let log: EventLog;
let kb: KnowledgeBase;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-clock-"));
  clock = manualClock(Date.now());
  log = await openEventLog({ path: join(dir, "factory.db"), clock });
  kb = await openKnowledgeBase({ log, dir: join(dir, "knowledge") });
});

afterEach(async () => {
  await kb.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Captures a note that holds until `validTo`. */
function captureUntil(title: string, validTo: Date) {
  return kb.capture({
    kind: "note",
    title,
    body: `${title} holds until ${validTo.toISOString()}.`,
    source: { system: "t" },
    validTo: validTo.toISOString(),
  });
}

describe("a knowledge base over a log with a manual clock", () => {
  it("makes a document given no dates valid from the log clock's time", async () => {
    clock.set("2031-03-04T05:06:07.000Z");

    const document = await kb.capture({
      kind: "note",
      title: "Undated",
      body: "no dates",
      source: { system: "t" },
    });

    expect(document.validFrom).toBe("2031-03-04T05:06:07.000Z");
    expect(document.createdAt).toBe("2031-03-04T05:06:07.000Z");
  });

  it("treats a document whose validTo is after the machine's now but before the clock's as no longer current", async () => {
    const expiresSoon = await captureUntil("Freeze window", new Date(Date.now() + 5 * DAY));
    clock.advance(10 * DAY);

    const listed = await kb.list();
    const found = await kb.search("freeze window");

    expect(listed.map((document) => document.id)).not.toContain(expiresSoon.id);
    expect(found.hits.map((hit) => hit.document.id)).not.toContain(expiresSoon.id);
    expect((await kb.list({ current: false })).map((document) => document.id)).toContain(expiresSoon.id);
  });

  it("treats a document whose validTo is before the machine's now but after the clock's as current", async () => {
    clock.set("2020-01-01T00:00:00.000Z");
    const stillHolds = await captureUntil("Legacy tariff", new Date("2021-01-01T00:00:00.000Z"));

    const listed = await kb.list();
    const found = await kb.search("legacy tariff");

    expect(listed.map((document) => document.id)).toContain(stillHolds.id);
    expect(found.hits.map((hit) => hit.document.id)).toContain(stillHolds.id);
    clock.set("2021-01-01T00:00:00.000Z");
    expect((await kb.list()).map((document) => document.id)).not.toContain(stillHolds.id);
  });
});
