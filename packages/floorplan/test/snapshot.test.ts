import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { type FloorPlan, floorPlanEvents, openFloorPlan } from "@software-factory/floorplan";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { shopPlan } from "./fixtures.js";

let dir: string;
let log: EventLog;
const opened: FloorPlan[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-floorplan-snapshot-"));
  log = await openEventLog({ path: join(dir, "factory.db"), events: floorPlanEvents });
});

afterEach(async () => {
  for (const plan of opened.splice(0)) await plan.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

const cacheDir = () => join(dir, "cache");
const snapshotFile = () => join(cacheDir(), "floorplan.snapshot");

async function open(options: { cached?: boolean; on?: EventLog } = {}): Promise<FloorPlan> {
  const plan = await openFloorPlan({
    log: options.on ?? log,
    ...(options.cached === false ? {} : { cacheDir: cacheDir() }),
  });
  opened.push(plan);
  return plan;
}

/** Everything a caller can read from a floor plan, for comparing two of them. */
function view(plan: FloorPlan) {
  return {
    graph: plan.graph.graph.export(),
    lines: plan.lines(),
    dependencies: plan.dependencyList(),
    owners: plan.lines().map((line) => plan.ownerOf(line.id)),
    paths: ["packages/checkout/src/index.ts", "packages/web/app.tsx", "README.md"].map((path) =>
      plan.lineForPath(path),
    ),
    dependents: plan.dependents("catalog"),
  };
}

describe("floor plan snapshots", () => {
  it("opens from its snapshot to the same floor plan as folding the whole log, events after it included", async () => {
    const writer = await open();
    await writer.applyPlan(shopPlan());
    await writer.close();
    expect(statSync(snapshotFile()).size).toBeGreaterThan(0);

    const other = await open({ cached: false });
    await other.assignOwner("cart", "alice");
    await other.retireLine("web");

    const fromSnapshot = await open();
    const fromLog = await open({ cached: false });
    expect(fromSnapshot.ownerOf("cart")).toBe("alice");
    expect(fromSnapshot.line("web")).toBeUndefined();
    expect(view(fromSnapshot)).toEqual(view(fromLog));
    expect(fromSnapshot.position).toBe(fromLog.position);
  });

  it("rewrites its snapshot on close only when it folded events since loading it", async () => {
    const writer = await open();
    await writer.applyPlan(shopPlan());
    await writer.close();
    const written = statSync(snapshotFile()).mtimeMs;

    const reader = await open();
    expect(reader.ownerOf("checkout")).toBe("alice");
    await reader.close();
    expect(statSync(snapshotFile()).mtimeMs).toBe(written);

    const changer = await open();
    await changer.assignOwner("checkout", "bob");
    await changer.close();
    expect(statSync(snapshotFile()).mtimeMs).toBeGreaterThan(written);
    expect((await open()).ownerOf("checkout")).toBe("bob");
  });

  it("ignores a snapshot taken from another log and folds this one", async () => {
    const writer = await open();
    await writer.applyPlan(shopPlan());
    await writer.close();

    const otherLog = await openEventLog({ path: join(dir, "other.db"), events: floorPlanEvents });
    try {
      const elsewhere = await openFloorPlan({ log: otherLog });
      await elsewhere.applyPlan({ ...shopPlan(), lines: shopPlan().lines?.slice(0, 1) ?? [] });
      await elsewhere.declareOperator({ id: "erin" });
      await elsewhere.close();
      const fromLog = await openFloorPlan({ log: otherLog });
      const withForeignSnapshot = await openFloorPlan({ log: otherLog, cacheDir: cacheDir() });
      expect(view(withForeignSnapshot)).toEqual(view(fromLog));
      expect(withForeignSnapshot.lines()).toHaveLength(1);
      await fromLog.close();
      await withForeignSnapshot.close();
    } finally {
      await otherLog.close();
    }
  });
});
