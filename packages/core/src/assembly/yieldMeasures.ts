import type { z } from "zod";
import type { ItemHistory } from "./AssemblyHistory.js";
import type { MeasureOptionsSchema } from "./measureOptions.js";
import { ratio } from "./measureStats.js";
import type { AssemblyMeasures } from "./measures.js";
import type { ReworkCause } from "./WorkItem.js";

/** What disqualifies a delivered item from first-pass yield, as the options resolve it. */
type YieldCounts = z.output<typeof MeasureOptionsSchema>["yield"];

/**
 * The line operator's measure over the items delivered in a window: those
 * that met the standards without rework, overall and per stage, and the
 * rework itself. Send backs, gate failures and adapted links from `end` on
 * are not counted.
 */
export function measureYield(
  delivered: readonly ItemHistory[],
  end: number,
  counts: YieldCounts,
): AssemblyMeasures["yield"] {
  const byCause: Record<ReworkCause, number> = { defect: 0, upstream: 0, incident: 0, other: 0 };
  const stageItems = new Map<string, { items: number; firstPass: number }>();
  let firstPass = 0;
  let sendBacks = 0;
  let adaptedLinks = 0;
  let gateFailures = 0;
  for (const item of delivered) {
    const backs = item.sendBacks.filter((back) => back.at < end);
    const failures = item.gateFailures.filter((failure) => failure.at < end);
    const adapted = item.adaptedAt.filter((at) => at < end).length;
    sendBacks += backs.length;
    gateFailures += failures.length;
    adaptedLinks += adapted;
    for (const back of backs) byCause[back.cause]++;
    const clean =
      (!counts.sendBacks || backs.length === 0) &&
      (!counts.gateFailures || failures.length === 0) &&
      (!counts.adaptedLinks || adapted === 0);
    if (clean) firstPass++;

    for (const stage of new Set(
      item.visits.filter((visit) => visit.enteredAt < end).map((visit) => visit.stage),
    )) {
      const entry = stageItems.get(stage) ?? { items: 0, firstPass: 0 };
      entry.items++;
      const reworked = backs.some((back) => back.from === stage);
      const refused = failures.some((failure) => failure.from === stage);
      if (!reworked && !refused) entry.firstPass++;
      stageItems.set(stage, entry);
    }
  }
  return {
    delivered: delivered.length,
    firstPass,
    rate: ratio(firstPass, delivered.length),
    byStage: Object.fromEntries(
      [...stageItems].map(([stage, entry]) => [
        stage,
        { ...entry, rate: ratio(entry.firstPass, entry.items) },
      ]),
    ),
    rework: { sendBacks, byCause, adaptedLinks, gateFailures },
  };
}
