import type { ItemHistory } from "./AssemblyHistory.js";
import { DAY, elapsed, HOUR, percentiles } from "./measureStats.js";
import type { AssemblyMeasures } from "./measures.js";

/**
 * The factory operator's measure over a window from `start` to `end`: how
 * many of `delivered` per week, their lead and cycle times and how much of
 * their lead time was not spent blocked, and how many of `items` (those in
 * scope created before `end`) were in a WIP stage at `end`. A step stamped
 * before the one it follows (a writer's clock behind) counts as no time.
 */
export function measureThroughput(
  items: readonly ItemHistory[],
  delivered: readonly ItemHistory[],
  start: number,
  end: number,
  wipStages: ReadonlySet<string>,
): AssemblyMeasures["throughput"] {
  const stageTimes = new Map<string, number[]>();
  const leadTimes: number[] = [];
  let leadTotal = 0;
  let blockedTotal = 0;
  for (const item of delivered) {
    const deliveredAt = item.deliveredAt as number;
    const lead = elapsed(item.createdAt, deliveredAt);
    leadTimes.push(lead / HOUR);
    leadTotal += lead;
    blockedTotal += blockedWithin(item, item.createdAt, deliveredAt);

    const spent = new Map<string, number>();
    for (const visit of item.visits) {
      if (visit.exitedAt === undefined || visit.exitedAt >= end) continue;
      spent.set(visit.stage, (spent.get(visit.stage) ?? 0) + elapsed(visit.enteredAt, visit.exitedAt));
    }
    for (const [stage, ms] of spent) push(stageTimes, stage, ms / HOUR);
  }
  return {
    delivered: delivered.length,
    perWeek: (delivered.length / ((end - start) / DAY)) * 7,
    leadTimeHours: percentiles(leadTimes),
    cycleTimeHours: Object.fromEntries([...stageTimes].map(([stage, times]) => [stage, percentiles(times)])),
    wip: items.filter((item) => inWipAt(item, end, wipStages)).length,
    flowEfficiency: leadTotal === 0 ? null : (leadTotal - blockedTotal) / leadTotal,
  };
}

function inWipAt(item: ItemHistory, at: number, wipStages: ReadonlySet<string>): boolean {
  for (let index = item.visits.length - 1; index >= 0; index--) {
    const visit = item.visits[index];
    if (visit === undefined || visit.enteredAt >= at) continue;
    return (visit.exitedAt === undefined || visit.exitedAt >= at) && wipStages.has(visit.stage);
  }
  return false;
}

function blockedWithin(item: ItemHistory, from: number, to: number): number {
  let total = 0;
  for (const interval of item.blocked) {
    const start = Math.max(from, interval.from);
    const end = Math.min(to, interval.to ?? to);
    if (end > start) total += end - start;
  }
  return total;
}

function push(index: Map<string, number[]>, key: string, value: number): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [value]);
  else list.push(value);
}
