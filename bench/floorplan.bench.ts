/**
 * Floor plan at the size of a large company: a generated factory.yaml of
 * 10,000 lines, 50,000 dependencies and 2,000 operators. Measures load time
 * (YAML parse and validation, graph build, applying it to the event log),
 * lineForPath over 100,000 paths, ownerOf, impact latency for changes of 1
 * and 50 lines, and memory; beside what a user would write instead: a loop
 * over CODEOWNERS rules with a precompiled glob matcher (last match wins),
 * and a BFS over an adjacency list.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openEventLog } from "@software-factory/core";
import {
  buildFloorGraph,
  floorPlanEvents,
  impactOf,
  openFloorPlan,
  type Plan,
  parseFactoryYaml,
  planToYaml,
} from "@software-factory/floorplan";
import picomatch from "picomatch";
import {
  DEPENDENCIES,
  DOMAINS,
  generatePaths,
  generatePlan,
  int,
  LINES,
  OPERATORS,
  PATHS,
} from "./lib/floorplanPlan.js";
import { ms, peakRssMiB, percentile, table, writeReport } from "./lib/report.js";

const IMPACT_SAMPLES = 500;
const progress = (step: string) =>
  process.stderr.write(`[floorplan bench ${new Date().toISOString().slice(11, 19)}] ${step}\n`);

const timeIt = (work: () => void) => {
  const start = performance.now();
  work();
  return performance.now() - start;
};
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

progress("generating the plan");
const plan = generatePlan();
const yaml = planToYaml(plan);
const paths = generatePaths();
const heapBefore = heapMiB();

progress("parsing factory.yaml");
// Load: parse + validate, then build the graph.
let parsed: Plan | undefined;
const parseMs = timeIt(() => {
  parsed = parseFactoryYaml(yaml, "generated.yaml");
});
let floor = buildFloorGraph(parsed ?? plan);
const buildMs = timeIt(() => {
  floor = buildFloorGraph(parsed ?? plan);
});
floor.lineForPath("warm/up.ts");
floor.dependencyIndex();
const graphHeap = heapMiB() - heapBefore;

progress("applying to the event log");
// Apply to an event log (SQLite, durability normal) and fold it back in another FloorPlan.
const dir = mkdtempSync(join(tmpdir(), "factory-bench-floorplan-"));
const log = await openEventLog({
  path: join(dir, "factory.db"),
  events: floorPlanEvents,
  durability: "normal",
});
const writer = await openFloorPlan({ log, live: false });
let applied = 0;
const applyStart = performance.now();
applied = (await writer.applyPlan(parsed ?? plan)).events.length;
const applyMs = performance.now() - applyStart;
const foldStart = performance.now();
const reader = await openFloorPlan({ log, live: false });
const foldMs = performance.now() - foldStart;
const reapplyStart = performance.now();
const reapplied = (await writer.applyPlan(parsed ?? plan)).events.length;
const reapplyMs = performance.now() - reapplyStart;
await reader.close();
await writer.close();
await log.close();
rmSync(dir, { recursive: true, force: true });

progress("path lookups");
// lineForPath against the plain loop a user would write.
const rules = (parsed ?? plan).lines.flatMap((line) =>
  line.paths.map((pattern) => ({ pattern, line: line.id })),
);
const toGlobs = (pattern: string): string[] => {
  // The usual translation of a CODEOWNERS pattern to globs, as in codeowners-utils and similar.
  const dirOnly = pattern.endsWith("/");
  let body = pattern.replace(/\/+$/, "");
  const anchored = body.startsWith("/") || body.slice(0, -1).includes("/");
  body = body.replace(/^\/+/, "");
  const glob = anchored ? body : `**/${body}`;
  return dirOnly ? [`${glob}/**/*`] : /[*?][^/]*$/.test(body) ? [glob] : [glob, `${glob}/**`];
};
let naiveRules: { test: (path: string) => boolean; line: string }[] = [];
const naiveCompileMs = timeIt(() => {
  naiveRules = rules.map((rule) => {
    const regexes = toGlobs(rule.pattern).map((glob) => picomatch.makeRe(glob, { dot: true }));
    return { test: (path: string) => regexes.some((regex) => regex.test(path)), line: rule.line };
  });
});
const naiveLineForPath = (path: string): string | undefined => {
  for (let i = naiveRules.length - 1; i >= 0; i--) {
    const rule = naiveRules[i];
    if (rule?.test(path)) return rule.line;
  }
  return undefined;
};
floor.changed();
const indexBuildMs = timeIt(() => floor.lineForPath("warm/up.ts"));
floor.dependencyIndex();
let mismatches = 0;
const indexedAnswers: (string | undefined)[] = new Array(PATHS);
const indexedMs = timeIt(() => {
  for (let i = 0; i < PATHS; i++) indexedAnswers[i] = floor.lineForPath(paths[i] as string);
});
const NAIVE_PATHS = 1_000;
const naiveMs =
  (timeIt(() => {
    for (let i = 0; i < NAIVE_PATHS; i++)
      if (naiveLineForPath(paths[i] as string) !== indexedAnswers[i]) mismatches++;
  }) *
    PATHS) /
  NAIVE_PATHS;
const pathRate = (PATHS / indexedMs) * 1000;
const naivePathRate = (PATHS / naiveMs) * 1000;

progress("ownerOf");
// ownerOf.
const ownerTimes: number[] = [];
for (let i = 0; i < 20_000; i++) {
  const id = `line-${int(LINES)}`;
  const start = performance.now();
  floor.ownerOf(id);
  ownerTimes.push(performance.now() - start);
}

// impact against a BFS over an adjacency list.
const dependents = new Map<string, string[]>();
for (const line of (parsed ?? plan).lines)
  for (const d of line.dependsOn) dependents.set(d.line, [...(dependents.get(d.line) ?? []), line.id]);
const naiveImpact = (starts: readonly string[], depth: number, limit: number): number => {
  const seen = new Set(starts);
  let frontier = [...starts];
  let found = 0;
  for (let level = 0; level < depth && frontier.length > 0 && found < limit; level++) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const dependent of dependents.get(node) ?? []) {
        if (seen.has(dependent)) continue;
        seen.add(dependent);
        next.push(dependent);
        found++;
      }
    }
    frontier = next;
  }
  return Math.min(found, limit);
};
interface ImpactRow {
  readonly label: string;
  readonly p50: number;
  readonly p99: number;
  readonly cpuP50: number;
  readonly cpuP99: number;
  readonly naiveP50: number;
  readonly naiveP99: number;
  readonly meanAffected: number;
  readonly cut: number;
  readonly samples: number;
}
function measureImpact(
  label: string,
  size: number,
  depth: number,
  limit: number,
  samples = IMPACT_SAMPLES,
): ImpactRow {
  progress(`impact: ${label}`);
  for (let warm = 0; warm < 20; warm++) impactOf(floor, { lines: [`line-${int(LINES)}`] }, { depth, limit });
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const naiveTimes: number[] = [];
  let affected = 0;
  let cut = 0;
  for (let sample = 0; sample < samples; sample++) {
    const starts = Array.from({ length: size }, () => `line-${int(LINES)}`);
    const cpu = process.cpuUsage();
    const start = performance.now();
    const report = impactOf(floor, { lines: starts }, { depth, limit });
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
    affected += report.affected.length;
    if (report.cutoff !== undefined) cut++;
    const naiveStart = performance.now();
    naiveImpact(starts, depth, limit);
    naiveTimes.push(performance.now() - naiveStart);
  }
  return {
    label,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    cpuP50: percentile(cpuTimes, 50),
    cpuP99: percentile(cpuTimes, 99),
    naiveP50: percentile(naiveTimes, 50),
    naiveP99: percentile(naiveTimes, 99),
    meanAffected: affected / samples,
    cut,
    samples,
  };
}
const unlimited = Number.MAX_SAFE_INTEGER;
const impactRows = [
  measureImpact("1 line, depth 10, limit 1,000 (defaults)", 1, 10, 1000),
  measureImpact("50 lines, depth 10, limit 1,000 (defaults)", 50, 10, 1000),
  measureImpact("1 line, depth 3, limit 200", 1, 3, 200),
  measureImpact("1 line, unlimited", 1, unlimited, unlimited, 100),
  measureImpact("50 lines, unlimited", 50, unlimited, unlimited, 100),
];
/** Impact latency with the defaults in a child process, under the given V8 flags (see bench/lib/impactProbe.ts). */
function probeImpact(flags: readonly string[]): { size: number; p50: number; p99: number }[] {
  const probe = spawnSync(
    process.execPath,
    [
      "--conditions=@software-factory/source",
      ...flags,
      "--import",
      "tsx",
      join(dirname(fileURLToPath(import.meta.url)), "lib", "impactProbe.ts"),
    ],
    { encoding: "utf8" },
  );
  if (probe.status !== 0) throw new Error(`impact probe failed: ${probe.stderr}`);
  return probe.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { size: number; p50: number; p99: number });
}
progress("impact in child processes: default young generation, then 64 MiB");
const youngGeneration = [
  { label: "default (16 MiB semi-spaces)", rows: probeImpact([]) },
  { label: "--max-semi-space-size=64", rows: probeImpact(["--max-semi-space-size=64"]) },
];

const ratio = (naive: number, ours: number) => `${(naive / ours).toFixed(1)}x`;
const fmt = (value: number) => Math.round(value).toLocaleString("en-US");

const loadAtEnd = loadavg()
  .map((value) => value.toFixed(1))
  .join(", ");
writeReport("floorplan", "Floor plan at scale", [
  `Load average at the end of the run: ${loadAtEnd} (1, 5, 15 min) on ${cpus().length} cores. The machine is shared, so wall times include waiting for a CPU; the CPU columns of the impact table count only the CPU time of this process.`,
  `Generated plan: ${LINES.toLocaleString("en-US")} lines in ${DOMAINS} domains, ${DEPENDENCIES.toLocaleString("en-US")} dependencies (acyclic, 70% inside the domain), ${OPERATORS.toLocaleString("en-US")} operators, ${rules.length.toLocaleString("en-US")} path patterns (a catch-all \`*\`, one folder per line, some \`*.proto\`-style and nested overrides); factory.yaml of ${(yaml.length / 2 ** 20).toFixed(1)} MiB.`,
  "## Load",
  table(
    ["step", "time (ms)"],
    [
      ["parse + validate factory.yaml (YAML, zod, references, owners, cycles)", ms(parseMs)],
      ["build the graph (graphology) from the plan", ms(buildMs)],
      [
        `apply to the event log (SQLite, one atomic batch of ${applied.toLocaleString("en-US")} events)`,
        ms(applyMs),
      ],
      ["open a second FloorPlan: fold the log into the graph", ms(foldMs)],
      [`apply the same plan again (diff only, ${reapplied} events)`, ms(reapplyMs)],
      ["build the path index (first lookup after a change)", ms(indexBuildMs)],
    ],
  ),
  "## Path lookup (CODEOWNERS semantics, last match wins)",
  table(
    ["approach", "lookups/s", "vs plain loop"],
    [
      [
        `FloorGraph.lineForPath (prefix trie + floating patterns), ${PATHS.toLocaleString("en-US")} paths`,
        fmt(pathRate),
        ratio(pathRate, naivePathRate),
      ],
      [
        `plain loop over ${rules.length.toLocaleString("en-US")} rules precompiled to regular expressions (picomatch.makeRe), newest first (${NAIVE_PATHS.toLocaleString("en-US")} paths, extrapolated)`,
        fmt(naivePathRate),
        "1.0x",
      ],
    ],
  ),
  `Both give the same line for every path compared (${mismatches} mismatches out of ${NAIVE_PATHS.toLocaleString("en-US")}). Compiling the plain loop's matchers took ${ms(naiveCompileMs)} ms.`,
  `ownerOf: p50 ${(percentile(ownerTimes, 50) * 1000).toFixed(1)} µs, p99 ${(percentile(ownerTimes, 99) * 1000).toFixed(1)} µs over 20,000 calls.`,
  "## Impact",
  table(
    [
      "change",
      "p50 (ms)",
      "p99 (ms)",
      "CPU p50 (ms)",
      "CPU p99 (ms)",
      "mean affected lines",
      "cut off",
      "plain BFS p50 (ms)",
      "plain BFS p99 (ms)",
      "p99 plain/ours",
    ],
    impactRows.map((row) => [
      row.label,
      ms(row.p50),
      ms(row.p99),
      ms(row.cpuP50),
      ms(row.cpuP99),
      fmt(row.meanAffected),
      `${row.cut}/${row.samples}`,
      ms(row.naiveP50),
      ms(row.naiveP99),
      ratio(row.naiveP99, row.p99),
    ]),
  ),
  "Where the p99 comes from: a call allocates about 1 MiB (each affected line with its chain and sentence), so V8's young-generation collections (about 5 ms each here) land on a few percent of calls. The same defaults measured in fresh processes, 2,000 changes each, with the default young generation and with a 64 MiB one (`NODE_OPTIONS=--max-semi-space-size=64`, recommended for long-running MCP servers):",
  table(
    ["V8 young generation", "1 line p50 (ms)", "1 line p99 (ms)", "50 lines p50 (ms)", "50 lines p99 (ms)"],
    youngGeneration.map(({ label, rows }) => [label, ...rows.flatMap((row) => [ms(row.p50), ms(row.p99)])]),
  ),
  "`impact` returns, for every affected line, its distance, the weakest criticality on the strongest shortest chain, the chain of edges and a sentence, sorted, with owners grouped; the plain BFS over a `Map<string, string[]>` only counts the lines it reaches. A change of random lines in this plan reaches a large part of it, so the default limits (depth 10, 1,000 lines) cut most walks off and say so in `cutoff`.",
  "## Memory",
  table(
    ["measure", "MiB"],
    [
      [
        "heap held by the parsed plan, the graph and its path and dependency indexes (after gc)",
        graphHeap.toFixed(0),
      ],
      ["peak RSS of the whole run", String(peakRssMiB())],
    ],
  ),
]);
