/**
 * One transition behind 10 gates: the time of each advance of an item whose
 * every stage is guarded by ten trivial gates.
 */
import { type EventLog, type Gate, openAssemblyLine } from "@software-factory/core";
import { percentile } from "../lib/report.js";
import { clock } from "./clock.js";
import { directory, GATED_MOVES, LINES, lineIds } from "./setup.js";

/** Ten gates on every stage (`*`), each passing any titled item. */
const gates: Gate[] = Array.from({ length: 10 }, (_, index) => ({
  name: `gate-${index}`,
  stages: ["*"],
  check: (item, ctx) =>
    item.title.length > 0 && ctx.artifacts.length >= 0
      ? { pass: true }
      : { pass: false, findings: [{ message: "untitled" }] },
}));

/** Creates `GATED_MOVES` items on `log` (full flow), then times one advance of each; closes the log. */
export async function gatedMoves(name: string, log: EventLog) {
  const line = await openAssemblyLine({ log, gates, lines: directory });
  const ids: string[] = [];
  for (let index = 0; index < GATED_MOVES; index++) {
    const item = await line.createWorkItem({
      line: lineIds[index % LINES] as string,
      title: `gated ${index}`,
      flow: "full",
    });
    ids.push(item.id);
  }
  const samples: number[] = [];
  const total = await clock(async () => {
    for (const id of ids) {
      const start = performance.now();
      await line.advance(id);
      samples.push(performance.now() - start);
    }
  });
  await line.close();
  await log.close();
  return {
    name,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean: total.wall / samples.length,
    cpuPerMove: total.cpu / samples.length,
  };
}
