import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { openFloorPlan } from "@software-factory/floorplan";
import { openFactory } from "@software-factory/intelligence";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { folderDigest } from "../../../core/test/fixtures/runUnprivileged.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/**
 * A factory folder whose floor plan snapshot holds ana as the owner of
 * payments, with a line added after it (in the log only); then every "ana" in
 * the log is rewritten to "mallory" behind its back, so only a floor plan
 * loaded from the snapshot still says ana.
 */
async function factoryWithSnapshot(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "factory-read-only-snapshot-"));
  roots.push(root);
  const dir = join(root, ".factory");
  const factory = await openFactory({ dir });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "ben" }],
    lines: [{ id: "payments", owner: "ana", paths: ["src/payments/**"] }],
  });
  await factory.close();
  expect(existsSync(join(dir, "cache", "floorplan", "floorplan.snapshot"))).toBe(true);

  const log = await openEventLog({ path: join(dir, "factory.db") });
  const later = await openFloorPlan({ log });
  await later.declareLine({ id: "refunds", owner: "ben", paths: ["src/refunds/**"] });
  await later.close();
  await log.close();

  const db = new Database(join(dir, "factory.db"));
  try {
    expect(
      db.prepare(`UPDATE events SET data = replace(data, '"ana"', '"mallory"')`).run().changes,
    ).toBeGreaterThan(0);
  } finally {
    db.close();
  }
  return dir;
}

describe("a factory opened read-only over a floor plan snapshot", () => {
  it("reads the floor plan from the snapshot and the events after it, and writes nothing", async () => {
    const dir = await factoryWithSnapshot();
    const before = folderDigest(dir);

    const factory = await openFactory({ dir, readOnly: true });
    expect(factory.floorplan.ownerOf("payments")).toBe("ana");
    expect(factory.floorplan.ownerOf("refunds")).toBe("ben");
    await factory.close();

    expect(folderDigest(dir)).toEqual(before);
  });
});
