/**
 * `FloorPlan.asOf` on a plan of 1,000 lines (the first 1,000 of the bench's
 * generated plan) with a history of owner changes, each recorded a minute
 * after the one before in its own append, in a SQLite log: the first call
 * (reads when every event was recorded, folds the plan from the start), the
 * same instant again, an instant between the same two changes, a walk
 * forward through time, and random instants; beside opening a FloorPlan
 * (which folds the whole log to now).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock, openEventLog } from "@software-factory/core";
import { floorPlanEvents, openFloorPlan, type Plan } from "@software-factory/floorplan";
import { percentile } from "./report.js";

/** Lines of the plan asked about. */
export const AS_OF_LINES = 1_000;
/** Owner changes after the plan is applied. */
export const AS_OF_CHANGES = 5_000;
const MINUTE = 60_000;
const START = Date.parse("2026-01-01T00:00:00Z");

// A generator of its own (mulberry32), so these draws leave the plan's and the paths' sequence as it is.
let seed = 11;
const int = (below: number) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
};

/** One measured kind of call: wall and CPU time per call. */
export interface AsOfRow {
  readonly label: string;
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuP50: number;
  readonly cpuP99: number;
}

/** What {@link measureAsOf} measured. */
export interface AsOfResult {
  readonly events: number;
  readonly rows: readonly AsOfRow[];
}

async function timed(label: string, instants: readonly number[], call: (at: number) => Promise<unknown>) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const at of instants) {
    const used = process.cpuUsage();
    const start = performance.now();
    await call(at);
    wall.push(performance.now() - start);
    const spent = process.cpuUsage(used);
    cpu.push((spent.user + spent.system) / 1000);
  }
  return {
    label,
    calls: instants.length,
    p50: percentile(wall, 50),
    p99: percentile(wall, 99),
    cpuP50: percentile(cpu, 50),
    cpuP99: percentile(cpu, 99),
  };
}

/** Applies the first {@link AS_OF_LINES} lines of `plan`, records {@link AS_OF_CHANGES} owner changes, and times `asOf`. */
export async function measureAsOf(plan: Plan): Promise<AsOfResult> {
  const kept = new Set(plan.lines.slice(0, AS_OF_LINES).map((line) => line.id));
  const small: Plan = {
    ...plan,
    lines: plan.lines
      .slice(0, AS_OF_LINES)
      .map((line) => ({ ...line, dependsOn: line.dependsOn.filter((d) => kept.has(d.line)) })),
  };
  const dir = mkdtempSync(join(tmpdir(), "factory-bench-asof-"));
  const clock = manualClock(START);
  const log = await openEventLog({
    path: join(dir, "factory.db"),
    events: floorPlanEvents,
    durability: "normal",
    clock,
  });
  const writer = await openFloorPlan({ log, live: false });
  await writer.applyPlan(small);
  for (let change = 1; change <= AS_OF_CHANGES; change++) {
    clock.set(START + change * MINUTE);
    const line = `line-${int(AS_OF_LINES)}`;
    await log.append({
      type: "floorplan.owner.assigned",
      subject: line,
      data: { line, operator: `op-${int(plan.operators.length)}`, provenance: { source: "factory.yaml" } },
    });
  }
  await writer.close();
  const events = await log.head();
  const minute = (change: number) => START + change * MINUTE + 30_000;
  const rows: AsOfRow[] = [];

  const opened = await timed(
    "open a FloorPlan (fold the whole log to now), for comparison",
    [0],
    async () => {
      const reader = await openFloorPlan({ log, live: false });
      await reader.close();
    },
  );
  const plan1 = await openFloorPlan({ log, live: false });
  const middle = minute(AS_OF_CHANGES / 2);
  rows.push(
    await timed(
      "first call: read every event's time, fold the plan halfway through the history",
      [middle],
      (at) => plan1.asOf(new Date(at)),
    ),
  );
  rows.push(
    await timed("the same instant again", Array(200).fill(middle), (at) =>
      plan1.asOf(new Date(at)).then((view) => view.ownerOf("line-1")),
    ),
  );
  rows.push(
    await timed(
      "another instant between the same two changes",
      Array.from({ length: 200 }, (_, i) => middle + i),
      (at) => plan1.asOf(new Date(at)),
    ),
  );
  rows.push(
    await timed(
      "walking forward, 50 changes a step (folds the 50 onto a copy of the last plan)",
      Array.from({ length: 50 }, (_, i) => minute(AS_OF_CHANGES / 2 + (i + 1) * 50)),
      (at) => plan1.asOf(new Date(at)).then((view) => view.ownerOf("line-1")),
    ),
  );
  rows.push(
    await timed(
      "random instants (from the nearest earlier plan kept, or from the start)",
      Array.from({ length: 100 }, () => minute(int(AS_OF_CHANGES))),
      (at) => plan1.asOf(new Date(at)).then((view) => view.ownerOf("line-1")),
    ),
  );
  await plan1.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  return { events, rows: [...rows, opened] };
}
