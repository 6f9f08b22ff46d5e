/**
 * Markdown chunking without the parser: `chunkMarkdown`, which cuts a body of
 * paragraphs, ATX headings and lists by a line scanner, against the parser path
 * every body took before (micromark with GFM, then the same packing), in CPU
 * time: on 100,000 bodies of plain prose made from the MS MARCO passages (read
 * in place from `../shared/data/ir`), then on documents of headings over those
 * passages, with and without lists. Both paths must give identical chunks for
 * every body. Then, per retrieval set as it is, how many bodies take the fast
 * path and what declining costs on those that do not.
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
import { simpleMarkdownBlocks } from "../packages/knowledge/src/chunking/simpleMarkdownBlocks.js";
import { irDataDir, loadIrSets, perturbedCopies } from "./lib/ir.js";
import { ms, table, writeReport } from "./lib/report.js";

const TARGET = 100_000;
const PASSES = Number(process.env.CHUNKING_BENCH_PASSES ?? 2);
const loadAtStart = loadavg()[0] as number;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const sets = loadIrSets(irDataDir(repoRoot));
const base = sets.find((set) => set.name === "msmarco-5k");
if (base === undefined) {
  writeReport("chunking", "Chunking markdown without the parser", [
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
const declinedBodies = bodies.filter((body) => simpleMarkdownBlocks(body) === undefined);
const taken = bodies.length - declinedBodies.length;
const tokenCount = measure(bodies, countTokens);
const declinedCost = measure(declinedBodies, fastPath);
const best = (path: string) => Math.min(...runs.filter((run) => run.path === path).map((run) => run.cpu));
const before = best("parser (before)");
const after = best("chunkMarkdown (fast path)");

// Documents with headings: `bench/knowledge.bench.ts`'s "longer documents" (a
// heading, then 1 to 3 sections each of a heading and one paragraph on one line
// made of 2 to 5 passages), made the same way; and notes that add, to some
// sections, a paragraph of wrapped lines and a bulleted or numbered list of
// the passages' first sentences.
const HEADED_DOCUMENTS = 3000;
let headedSeed = 7;
const headedRandom = () => {
  headedSeed = (headedSeed * 1_103_515_245 + 12_345) % 2 ** 31;
  return headedSeed / 2 ** 31;
};
let passage = 0;
const nextPassage = () => (base.docs[passage++ % base.docs.length]?.text ?? "").trim();
const longerDocuments = Array.from({ length: HEADED_DOCUMENTS }, (_, index) => {
  const parts = [`# Notes ${index}`];
  const sections = 1 + Math.floor(headedRandom() * 3);
  for (let section = 0; section < sections; section += 1) {
    parts.push(`${headedRandom() < 0.5 ? "##" : "###"} Part ${section + 1}`);
    parts.push(Array.from({ length: 2 + Math.floor(headedRandom() * 4) }, nextPassage).join(" "));
  }
  return parts.join("\n\n");
});
const firstSentence = (text: string) => text.split(/(?<=\.)\s/, 1)[0] ?? text;
const wrapped = (text: string) => text.replace(/(.{60,79}) /g, "$1\n");
const notesWithLists = Array.from({ length: HEADED_DOCUMENTS }, (_, index) => {
  const parts = [`# Meeting ${index}`, nextPassage()];
  const sections = 1 + Math.floor(headedRandom() * 3);
  for (let section = 0; section < sections; section += 1) {
    parts.push(`## Topic ${section + 1}`, wrapped(nextPassage()));
    if (headedRandom() < 0.6) {
      const items = 2 + Math.floor(headedRandom() * 4);
      const marker = headedRandom() < 0.5 ? () => "-" : (item: number) => `${item + 1}.`;
      parts.push(
        Array.from({ length: items }, (_, item) => `${marker(item)} ${firstSentence(nextPassage())}`).join(
          "\n",
        ),
      );
    }
  }
  return parts.join("\n\n");
});
const headedRows: (string | number)[][] = [];
let headedDiffering = 0;
for (const [name, documents] of [
  ["longer documents (headings, one-line paragraphs)", longerDocuments],
  ["notes (headings, wrapped paragraphs, lists)", notesWithLists],
] as const) {
  for (const body of documents.slice(0, 200)) {
    parserPath(body);
    fastPath(body);
  }
  const cpus: Record<string, number[]> = { parser: [], fast: [] };
  let parsed: Chunk[][] = [];
  let fast: Chunk[][] = [];
  for (let pass = 1; pass <= PASSES; pass += 1) {
    progress(`${name}, pass ${pass}`);
    const parserRun = measure(documents, parserPath);
    const fastRun = measure(documents, fastPath);
    cpus.parser?.push(parserRun.cpu);
    cpus.fast?.push(fastRun.cpu);
    parsed = parserRun.out;
    fast = fastRun.out;
  }
  const differing = documents.filter((_, index) => !isDeepStrictEqual(parsed[index], fast[index])).length;
  headedDiffering += differing;
  const scanned = documents.filter((body) => simpleMarkdownBlocks(body) !== undefined).length;
  const parserBest = Math.min(...(cpus.parser ?? []));
  const fastBest = Math.min(...(cpus.fast ?? []));
  const chars = documents.reduce((sum, body) => sum + body.length, 0) / documents.length;
  headedRows.push([
    name,
    `${documents.length.toLocaleString("en-US")} of ${Math.round(chars).toLocaleString("en-US")} chars`,
    `${((scanned / documents.length) * 100).toFixed(1)}%`,
    (cpus.parser ?? []).map(ms).join(", "),
    (cpus.fast ?? []).map(ms).join(", "),
    `${(parserBest / fastBest).toFixed(1)}x`,
    differing === 0 ? "yes" : `NO (${differing} differ)`,
  ]);
}

progress("per set");
const setRows = sets.map((set) => {
  const texts = set.docs.map((doc) => doc.text);
  const declined = texts.filter((text) => simpleMarkdownBlocks(text) === undefined);
  const parsed = measure(texts, parserPath);
  const fast = measure(texts, fastPath);
  const declining = measure(declined, simpleMarkdownBlocks);
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

writeReport("chunking", "Chunking markdown without the parser", [
  `${bodies.length.toLocaleString("en-US")} bodies made from the ${base.name} passages as \`bench/knowledge.bench.ts\` makes its 100,000 chunks (each copy with every word dropped with probability 0.15 and a copy-specific token added), chunked with the default options (256 tokens, 32 of overlap) by the parser path every body took before (micromark with GFM, then the same packing; since 65f4afc its GFM extensions are made once, which took 8 to 15 % off it) and by \`chunkMarkdown\`, which cuts bodies of plain paragraphs without the parser. ${PASSES} alternating passes in one process after a warm-up of 2,000 bodies; CPU time of the process (user + system). Load average ${loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end, on ${availableParallelism()} cores.`,
  table(
    ["path", "pass", "CPU ms", "wall ms", "µs CPU per body"],
    runs.map((run) => [run.path, run.pass, ms(run.cpu), ms(run.wall), ms((run.cpu * 1000) / bodies.length)]),
  ),
  `Best pass: ${ms(before)} ms CPU before, ${ms(after)} ms after (${(before / after).toFixed(1)}x). ${taken.toLocaleString("en-US")} of ${bodies.length.toLocaleString("en-US")} bodies took the fast path; chunks identical for ${(bodies.length - differing).toLocaleString("en-US")} of ${bodies.length.toLocaleString("en-US")} bodies (text, heading path, start line, tokens, index). Of what is left, \`countTokens\` over the same bodies once takes ${ms(tokenCount.cpu)} ms CPU, and the ${declinedBodies.length.toLocaleString("en-US")} declined bodies (HTML, lists whose items hold other blocks, other lines that may start markdown structure), parsed, ${ms(declinedCost.cpu)} ms.`,
  "## Documents with headings",
  `${HEADED_DOCUMENTS.toLocaleString("en-US")} documents of each kind made from the ${base.name} passages, chunked with the default options by the parser path (what \`chunkMarkdown\` did for every document with a heading before the line scanner read headings and lists) and by \`chunkMarkdown\`, alternating, ${PASSES} passes after a warm-up of 200 documents; CPU ms of each pass. The longer documents are made as \`bench/knowledge.bench.ts\` makes its own.`,
  table(
    [
      "documents",
      "count",
      "scanned",
      "parser path CPU ms",
      "chunkMarkdown CPU ms",
      "best vs best",
      "same chunks",
    ],
    headedRows,
  ),
  "## Per retrieval set, as it is",
  "Each set's bodies chunked once by each path (CPU ms). Declining: the cost of `simpleMarkdownBlocks` on the bodies it sends to the parser (a doubtful line stops the scan).",
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
if (differing > 0 || headedDiffering > 0 || setRows.some((row) => row[6] !== "yes")) {
  console.error(
    `chunking bench: the fast path gave different chunks for ${differing + headedDiffering} bodies`,
  );
  process.exit(1);
}
