/**
 * Impact latency of the benchmark plan in a process of its own, so it can run
 * with other V8 settings than the benchmark (the floor plan benchmark starts
 * it with a larger young generation). Prints one JSON line per change size:
 * `{ size, p50, p99 }` in ms over 2,000 changes with the default limits.
 */
import { buildFloorGraph, impactOf } from "@software-factory/floorplan";
import { generatePlan, int, LINES } from "./floorplanPlan.js";
import { percentile } from "./report.js";

const floor = buildFloorGraph(generatePlan());
for (let warm = 0; warm < 100; warm++) impactOf(floor, { lines: [`line-${int(LINES)}`] });
for (const size of [1, 50]) {
  const times: number[] = [];
  for (let sample = 0; sample < 2000; sample++) {
    const starts = Array.from({ length: size }, () => `line-${int(LINES)}`);
    const start = performance.now();
    impactOf(floor, { lines: starts });
    times.push(performance.now() - start);
  }
  process.stdout.write(
    `${JSON.stringify({ size, p50: percentile(times, 50), p99: percentile(times, 99) })}\n`,
  );
}
