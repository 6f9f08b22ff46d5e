import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { defineEvent, type EventLog, openEventLog, type ReadErrorReport } from "@software-factory/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-subscription-read-errors-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));
const note = (text: string) => ({ type: NoteAdded.type, subject: "n1", data: { text } });

/**
 * Breaks the log's SQLite file under it from a second connection, as another
 * program could: its events table is renamed away, so every read fails with
 * "no such table: events" until `mend` renames it back.
 */
function breakEventsTable(path: string): { mend(): void } {
  const db = new Database(path);
  db.exec("ALTER TABLE events RENAME TO events_away");
  return {
    mend: () => {
      db.exec("ALTER TABLE events_away RENAME TO events");
      db.close();
    },
  };
}

/** A log with one event handled by a subscription that keeps the seqs it gets. */
async function subscribed(path: string, onReadError?: (report: ReadErrorReport) => void) {
  const log: EventLog = await openEventLog({ path, events: [NoteAdded] });
  await log.append(note("a"));
  const handled: number[] = [];
  const subscription = await log.subscribe((event) => void handled.push(event.seq), {
    after: 0,
    types: [NoteAdded.type],
    ...(onReadError === undefined ? {} : { onReadError }),
  });
  await expect.poll(() => handled).toEqual([1]);
  return { log, handled, subscription };
}

describe("a subscription whose store cannot be read", () => {
  it("tells onReadError once when reads start failing and once when they work again, and delivers what landed meanwhile", async () => {
    const path = dbPath();
    const reports: ReadErrorReport[] = [];
    const { log, handled, subscription } = await subscribed(path, (report) => reports.push(report));

    const broken = breakEventsTable(path);
    await expect.poll(() => reports, { timeout: 10_000 }).toHaveLength(1);
    expect(reports[0]).toMatchObject({ state: "failing", failedReads: 1, position: 1 });
    expect(String(reports[0]?.error)).toContain("no such table: events");
    // It keeps retrying every 100 ms meanwhile, without telling again.
    await sleep(500);
    expect(reports).toHaveLength(1);
    expect(subscription.active).toBe(true);

    broken.mend();
    await log.append(note("b"));
    await expect.poll(() => handled, { timeout: 10_000 }).toEqual([1, 2]);
    await expect.poll(() => reports).toHaveLength(2);
    expect(reports[1]).toMatchObject({ state: "recovered", position: 2 });
    expect(String(reports[1]?.error)).toContain("no such table: events");
    expect(reports[1]?.failedReads).toBeGreaterThanOrEqual(1);
    await log.close();
  });

  it("warns the process by default, naming the subscription's types and the error, and when it reads again", async () => {
    const path = dbPath();
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on("warning", listen);
    try {
      const { log, handled } = await subscribed(path);
      const broken = breakEventsTable(path);
      await expect.poll(() => warnings, { timeout: 10_000 }).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ code: "FACTORY_LOG_READ_FAILED" });
      expect(warnings[0]?.message).toMatch(
        /^event log subscription to note\.added cannot read its store after position 1: .*no such table: events.*; it retries every 100 ms and warns again when it reads$/,
      );

      broken.mend();
      await log.append(note("b"));
      await expect.poll(() => handled, { timeout: 10_000 }).toEqual([1, 2]);
      await expect.poll(() => warnings).toHaveLength(2);
      expect(warnings[1]).toMatchObject({ code: "FACTORY_LOG_READ_RECOVERED" });
      expect(warnings[1]?.message).toMatch(
        /^event log subscription to note\.added reads its store again after \d+ failed reads \(the last: .*no such table: events.*\); it has handled the events up to position 2$/,
      );
      await log.close();
    } finally {
      process.off("warning", listen);
    }
  });
});
