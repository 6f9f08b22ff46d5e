/**
 * Markdown chunking of plain prose: `chunkMarkdown`, which cuts a body of
 * paragraphs without the markdown parser, against the parser path every body
 * took before (micromark with GFM, then the same packing), on 100,000 bodies
 * made from the MS MARCO passages (read in place from `../shared/data/ir`), in
 * CPU time. Both paths must give identical chunks for every body. Then, per
 * retrieval set as it is, how many bodies take the fast path and what
 * declining costs on those that do not.
 *
 * The parser path is imported from the package's sources (it is not public).
 */

import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { type Chunk, chunkMarkdown, countTokens } from "@software-factory/knowledge";
import { chunkSizes, packBlocks } from "../packages/knowledge/src/chunking/chunkMarkdown.js";
import { markdownBlocks } from "../packages/knowledge/src/chunking/markdownBlocks.js";
import { plainProseBlocks } from "../packages/knowledge/src/chunking/plainProseBlocks.js";
import { irDataDir, loadIrSets, perturbedCopies } from "./lib/ir.js";
import { ms, table, writeReport } from "./lib/report.js";

const TARGET = 100_000;
const PASSES = Number(process.env.CHUNKING_BENCH_PASSES ?? 2);
const loadAtStart = loadavg()[0] as number;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const sets = loadIrSets(irDataDir(repoRoot));
const base = sets.find((set) => set.name === "msmarco-5k");
if (base === undefined) {
  writeReport("chunking", "Chunking plain prose", [
    `The msmarco-5k set was not found in ${irDataDir(repoRoot)}; set SF_IR_DATA to a folder of BEIR-layout sets.`,
  ]);
  process.exit(0);
}
const progress = (step: string) =>
  process.stderr.write(`[chunking bench ${new Date().toISOString().slice(11, 19)}] ${step}\n`);

const sizes = chunkSizes({});
const parserPath = (body: string): Chunk[] => packBlocks(markdownBlocks(body), sizes);
const fastPath = (body: string): Chunk[] => chunkMarkdown(body);

/** CPU and wall milliseconds of `work` over `bodies`, with what it returned. */
function measure<T>(
  bodies: readonly string[],
  work: (body: string) => T,
): { cpu: number; wall: number; out: T[] } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const out = bodies.map(work);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall, out };
}

const bodies = perturbedCopies(base, TARGET).docs.map((doc) => doc.text);
// Warm-up: loads the parser and lets both paths compile before timing.
for (const body of bodies.slice(0, 2_000)) {
  parserPath(body);
  fastPath(body);
}

const runs: { path: string; pass: number; cpu: number; wall: number }[] = [];
let parserChunks: Chunk[][] = [];
let fastChunks: Chunk[][] = [];
for (let pass = 1; pass <= PASSES; pass += 1) {
  progress(`pass ${pass}: parser path`);
  const parsed = measure(bodies, parserPath);
  runs.push({ path: "parser (before)", pass, cpu: parsed.cpu, wall: parsed.wall });
  parserChunks = parsed.out;
  progress(`pass ${pass}: chunkMarkdown`);
  const fast = measure(bodies, fastPath);
  runs.push({ path: "chunkMarkdown (fast path)", pass, cpu: fast.cpu, wall: fast.wall });
  fastChunks = fast.out;
}
const differing = bodies.filter(
  (_, index) => !isDeepStrictEqual(parserChunks[index], fastChunks[index]),
).length;
const declinedBodies = bodies.filter((body) => plainProseBlocks(body) === undefined);
const taken = bodies.length - declinedBodies.length;
const tokenCount = measure(bodies, countTokens);
const declinedCost = measure(declinedBodies, fastPath);
const best = (path: string) => Math.min(...runs.filter((run) => run.path === path).map((run) => run.cpu));
const before = best("parser (before)");
const after = best("chunkMarkdown (fast path)");

progress("per set");
const setRows = sets.map((set) => {
  const texts = set.docs.map((doc) => doc.text);
  const declined = texts.filter((text) => plainProseBlocks(text) === undefined);
  const parsed = measure(texts, parserPath);
  const fast = measure(texts, fastPath);
  const declining = measure(declined, plainProseBlocks);
  const same = texts.every((_, index) => isDeepStrictEqual(parsed.out[index], fast.out[index]));
  return [
    set.name,
    texts.length.toLocaleString("en-US"),
    `${(((texts.length - declined.length) / texts.length) * 100).toFixed(1)}%`,
    ms(parsed.cpu),
    ms(fast.cpu),
    declined.length === 0
      ? "-"
      : `${ms(declining.cpu)} (${ms((declining.cpu * 1000) / declined.length)} µs each)`,
    same ? "yes" : "NO",
  ];
});
const loadAtEnd = loadavg()[0] as number;

writeReport("chunking", "Chunking plain prose", [
  `${bodies.length.toLocaleString("en-US")} bodies made from the ${base.name} passages as \`bench/knowledge.bench.ts\` makes its 100,000 chunks (each copy with every word dropped with probability 0.15 and a copy-specific token added), chunked with the default options (256 tokens, 32 of overlap) by the parser path every body took before (micromark with GFM, then the same packing) and by \`chunkMarkdown\`, which cuts bodies of plain paragraphs without the parser. ${PASSES} alternating passes in one process after a warm-up of 2,000 bodies; CPU time of the process (user + system). Load average ${loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end, on ${availableParallelism()} cores.`,
  table(
    ["path", "pass", "CPU ms", "wall ms", "µs CPU per body"],
    runs.map((run) => [run.path, run.pass, ms(run.cpu), ms(run.wall), ms((run.cpu * 1000) / bodies.length)]),
  ),
  `Best pass: ${ms(before)} ms CPU before, ${ms(after)} ms after (${(before / after).toFixed(1)}x). ${taken.toLocaleString("en-US")} of ${bodies.length.toLocaleString("en-US")} bodies took the fast path; chunks identical for ${(bodies.length - differing).toLocaleString("en-US")} of ${bodies.length.toLocaleString("en-US")} bodies (text, heading path, start line, tokens, index). Of what is left, \`countTokens\` over the same bodies once takes ${ms(tokenCount.cpu)} ms CPU, and the ${declinedBodies.length.toLocaleString("en-US")} declined bodies (numbered or bulleted lists, HTML, other lines that may start markdown structure), parsed, ${ms(declinedCost.cpu)} ms.`,
  "## Per retrieval set, as it is",
  "Each set's bodies chunked once by each path (CPU ms). Declining: the cost of `plainProseBlocks` on the bodies it sends to the parser (a doubtful line stops the scan).",
  table(
    [
      "set",
      "bodies",
      "fast path",
      "parser path CPU ms",
      "chunkMarkdown CPU ms",
      "declining CPU ms",
      "same chunks",
    ],
    setRows,
  ),
]);
if (differing > 0 || setRows.some((row) => row[6] !== "yes")) {
  console.error(`chunking bench: the fast path gave different chunks for ${differing} bodies`);
  process.exit(1);
}
