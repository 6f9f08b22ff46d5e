/**
 * Measuring one engine on one set: build time and CPU, index heap, query
 * latency over a warmed-up second pass, and nDCG@10 / recall@100.
 */
import { evaluate, type IrSet } from "../lib/ir.js";
import { percentile } from "../lib/report.js";
import type { Engine } from "./engines.js";

/** One engine measured on one set. */
export interface Row {
  readonly set: string;
  readonly engine: string;
  readonly ndcg10: number;
  readonly recall100: number;
  readonly buildMs: number;
  /** CPU time of the build, all threads of the process (worker threads included). */
  readonly buildCpuMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly heapMiB: number;
}

function heapMiB(): number {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 2 ** 20;
}

/** Builds `engine` on the set's documents, then asks it each query twice (the second pass timed) and scores the rankings. */
export async function measure(set: IrSet, engine: Engine): Promise<Row> {
  const before = heapMiB();
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  await engine.build(set.docs);
  const buildMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const buildCpuMs = (cpu.user + cpu.system) / 1000;
  const heap = heapMiB() - before;
  const rankings = new Map<string, string[]>();
  const latencies: number[] = [];
  // One untimed pass first, so the timed one measures a warmed-up process (JIT, caches), as a server runs.
  for (const query of set.queries) await engine.search(query.text, 100);
  for (const query of set.queries) {
    const begin = performance.now();
    rankings.set(query.text, await engine.search(query.text, 100));
    latencies.push(performance.now() - begin);
  }
  const quality = evaluate(set, (query) => rankings.get(query) ?? []);
  return {
    set: set.name,
    engine: engine.name,
    ...quality,
    buildMs,
    buildCpuMs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    heapMiB: heap,
  };
}

/** Wall and CPU time (all threads) of one step. */
export async function timed<T>(
  work: () => Promise<T> | T,
): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Milliseconds as seconds with one decimal. */
export const seconds = (value: number): string => (value / 1000).toFixed(1);
