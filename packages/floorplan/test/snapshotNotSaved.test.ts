import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { floorPlanEvents, openFloorPlan } from "@software-factory/floorplan";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

let dir: string;
const logs: EventLog[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-floorplan-no-save-"));
});

afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const path = () => join(dir, "factory.db");
const cacheDir = () => join(dir, "cache");
const snapshotFile = () => join(cacheDir(), "floorplan.snapshot");

async function openLog(options: { readOnly?: boolean } = {}): Promise<EventLog> {
  const log = await openEventLog({
    store: openSqliteEventStore({ path: path(), ...options }),
    events: floorPlanEvents,
  });
  logs.push(log);
  return log;
}

/**
 * A log whose shop plan is in a snapshot, with one change after it; then
 * every "alice" in the events the snapshot covers is rewritten to "mallory"
 * behind the log's back, so only a floor plan loaded from the snapshot still
 * says alice owns checkout.
 */
async function snapshotThenChange(): Promise<void> {
  const log = await openLog();
  const writer = await openFloorPlan({ log, cacheDir: cacheDir() });
  await writer.applyPlan(shopPlan());
  await writer.close();
  const covered = writer.position;
  const later = await openFloorPlan({ log });
  await later.assignOwner("cart", "carol");
  await later.close();
  await log.close();
  logs.splice(0);
  const db = new Database(path());
  try {
    const changed = db
      .prepare(`UPDATE events SET data = replace(data, '"alice"', '"mallory"') WHERE seq <= ?`)
      .run(covered).changes;
    expect(changed).toBeGreaterThan(0);
  } finally {
    db.close();
  }
}

/** Each file under `dir` with its bytes and modification time. */
function files(): Record<string, { bytes: string; mtimeMs: number }> {
  const found: Record<string, { bytes: string; mtimeMs: number }> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder)) {
      const full = join(folder, entry);
      if (statSync(full).isDirectory()) walk(full);
      else found[full] = { bytes: readFileSync(full, "base64"), mtimeMs: statSync(full).mtimeMs };
    }
  };
  walk(dir);
  return found;
}

describe("a floor plan opened with saveCaches: false", () => {
  it("loads the snapshot it finds, folds the events after it, and writes nothing on close", async () => {
    await snapshotThenChange();
    const before = files();

    const log = await openLog({ readOnly: true });
    const plan = await openFloorPlan({ log, cacheDir: cacheDir(), saveCaches: false });
    // alice comes from the snapshot (the log now says mallory), carol from the event after it.
    expect(plan.ownerOf("checkout")).toBe("alice");
    expect(plan.ownerOf("cart")).toBe("carol");
    await plan.close();

    expect(files()).toEqual(before);
  });

  it("never saves a snapshot on a log it may write, even after its own changes", async () => {
    await snapshotThenChange();
    const before = files();

    const log = await openLog();
    const plan = await openFloorPlan({ log, cacheDir: cacheDir(), saveCaches: false });
    await plan.assignOwner("web", "dan");
    await plan.close();
    const after = files();
    expect(after[snapshotFile()]).toEqual(before[snapshotFile()]);
    expect(Object.keys(after).filter((file) => file.startsWith(cacheDir()))).toEqual([snapshotFile()]);

    // A floor plan that saves folds the same events and writes the snapshot, so the test above is no accident.
    const saving = await openFloorPlan({ log, cacheDir: cacheDir() });
    expect(saving.ownerOf("web")).toBe("dan");
    await saving.close();
    expect(files()[snapshotFile()]).not.toEqual(before[snapshotFile()]);
  });
});
