/**
 * Timing a step of the assembly bench: wall clock and CPU time of this
 * process, after a garbage collection, noting the load average at its start.
 */
import { loadavg } from "node:os";
import { ms } from "../lib/report.js";

const loads: number[] = [];

/** Wall-clock and CPU (user + system) time of a step, in ms. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** Runs `work` and returns its wall-clock and CPU (user + system) time in ms. */
export async function clock(work: () => unknown): Promise<Timing> {
  (globalThis as { gc?: () => void }).gc?.();
  loads.push(loadavg()[0] ?? 0);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

/** A timing as `wall / CPU` in ms. */
export const both = (timing: Timing): string => `${ms(timing.wall)} / ${ms(timing.cpu)}`;

/** The 1-minute load averages seen at the start of each step timed so far. */
export function loadsSeen(): readonly number[] {
  return loads;
}
