/**
 * Impact latency of the benchmark plan in a process of its own, so it can run
 * with other V8 settings than the benchmark (the floor plan benchmark starts
 * it with the default and with a larger young generation). Prints one JSON
 * line per change size over 2,000 changes with the default limits: wall and
 * CPU p50/p99 in ms, the young-generation collections (scavenges) that ran
 * meanwhile, and, when started with `--expose-gc`, the bytes a call allocates
 * (heap used after the call minus before it, measured right after a
 * young-generation collection; the median of 200 more changes). With
 * `--extra-plans N` it first builds N more copies of the plan and keeps them,
 * so the heap is as large as the benchmark process's.
 */
import { constants, PerformanceObserver } from "node:perf_hooks";
import { buildFloorGraph, impactOf } from "@software-factory/floorplan";
import { generatePlan, int, LINES } from "./floorplanPlan.js";
import { percentile } from "./report.js";

/** What the probe prints for one change size. */
export interface ProbeRow {
  readonly size: number;
  /** Changes timed. */
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuP50: number;
  readonly cpuP99: number;
  /** Young-generation collections during the 2,000 calls, with their median and longest pause in ms. */
  readonly scavenges: number;
  readonly scavengeP50: number;
  readonly scavengeMax: number;
  /** Median bytes allocated per call, undefined without `--expose-gc`. */
  readonly allocated?: number;
}

const SAMPLES = 2000;
const ALLOCATION_SAMPLES = 200;
const collect = (globalThis as { gc?: (options: { type: "minor" }) => void }).gc;
const changeOf = (size: number) => Array.from({ length: size }, () => `line-${int(LINES)}`);

const scavenges: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
      scavenges.push(entry.duration);
});
observer.observe({ entryTypes: ["gc"] });
// GC entries reach the observer a little after the collection: wait before reading or clearing them.
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

const floor = buildFloorGraph(generatePlan());
// `--extra-plans N` keeps N more copies of the plan alive, for a heap the size of the benchmark process's.
const extraPlans = Number(process.argv[process.argv.indexOf("--extra-plans") + 1] ?? 0) || 0;
const ballast = Array.from({ length: extraPlans }, () => buildFloorGraph(generatePlan()));
for (const plan of ballast) plan.dependencyIndex();
for (let warm = 0; warm < 100; warm++) impactOf(floor, { lines: changeOf(1) });
const rows: ProbeRow[] = [];
for (const size of [1, 50]) {
  const changes = Array.from({ length: SAMPLES }, () => changeOf(size));
  await settle();
  scavenges.length = 0;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (const lines of changes) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    impactOf(floor, { lines });
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  await settle();
  rows.push({
    size,
    samples: SAMPLES,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    cpuP50: percentile(cpuTimes, 50),
    cpuP99: percentile(cpuTimes, 99),
    scavenges: scavenges.length,
    scavengeP50: scavenges.length === 0 ? 0 : percentile(scavenges, 50),
    scavengeMax: Math.max(0, ...scavenges),
  });
}
observer.disconnect();
// Allocation, after the timings (the forced collections would count as scavenges): the median of the calls.
for (const row of rows) {
  let allocated: number | undefined;
  if (collect !== undefined) {
    const bytes: number[] = [];
    for (let sample = 0; sample < ALLOCATION_SAMPLES; sample++) {
      const lines = changeOf(row.size);
      collect({ type: "minor" });
      const before = process.memoryUsage().heapUsed;
      impactOf(floor, { lines });
      bytes.push(process.memoryUsage().heapUsed - before);
    }
    allocated = percentile(bytes, 50);
  }
  process.stdout.write(`${JSON.stringify(allocated === undefined ? row : { ...row, allocated })}\n`);
}
