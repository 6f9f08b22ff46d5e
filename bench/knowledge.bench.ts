/**
 * Knowledge search quality and speed on the public retrieval sets in
 * `../shared/data/ir` (read in place), beside what a user would pick instead:
 * SQLite FTS5 (porter), MiniSearch and Orama, each with its defaults and with
 * the best settings found for it. Then latency at 100,000 chunks, and
 * capture latency across checkpoints in a long-running process.
 *
 * The parts are in `bench/knowledge/`: the engines (`engines.ts`, other
 * embedders in `embedders.ts`), measuring one (`measure.ts`), the quality table
 * (`quality.ts`), 100,000 chunks (`scale.ts`), indexing through the
 * knowledge base (`throughKnowledgeBase.ts`) and captures across checkpoints
 * (`checkpointLatency.ts`).
 */
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CACHES_ACROSS_PROCESSES } from "./knowledge/cachesAcrossProcesses.js";
import { checkpointLatency } from "./knowledge/checkpointLatency.js";
import { otherEmbedders } from "./knowledge/embedders.js";
import { qualityTable } from "./knowledge/quality.js";
import { atScale } from "./knowledge/scale.js";
import { throughKnowledgeBase } from "./knowledge/throughKnowledgeBase.js";
import { type IrSet, irDataDir, loadIrSets } from "./lib/ir.js";
import { peakRssMiB, writeReport } from "./lib/report.js";

const loadAtStart = loadavg()[0] as number;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const sets = loadIrSets(irDataDir(repoRoot));
if (sets.length === 0) {
  writeReport("knowledge", "Knowledge search", [
    `No retrieval sets found in ${irDataDir(repoRoot)}; set SF_IR_DATA to a folder of BEIR-layout sets.`,
  ]);
  process.exit(0);
}

const others = await otherEmbedders();
const quality = await qualityTable(sets, others.measured);
const base = sets.find((set) => set.name.startsWith("msmarco")) ?? (sets[0] as IrSet);
const { scaleSet, heading, scaleTable, stepsTable, recallLine } = await atScale(base);
const { kbLine, longLine } = await throughKnowledgeBase(scaleSet, base);
const checkpoints = await checkpointLatency();

writeReport("knowledge", "Knowledge search: quality and speed", [
  "Produced by `npm run bench -- knowledge`. Sets read in place from `../shared/data/ir` (BEIR layout); nDCG@10 with graded relevance and recall@100 as BEIR reports them. Each engine indexes title and text; queries are the sets' own. Latency is one query at a time in one process, top 100, over a second pass of the queries (the first, untimed, warms the process up as a running server is). Index heap is the growth of V8 heap + array buffers after building (FTS5 lives outside the V8 heap, so it shows about 0).",
  "The default embedder is the local hashing one (words and character trigrams, 256 dimensions): not a semantic model. `ours: hybrid (default)` keeps the BM25 ranking and only appends vector hits BM25 missed (cosine ≥ 0.3); `ours: hybrid RRF` is plain reciprocal rank fusion with the same vectors, shown to justify that choice.",
  `Other embedders: ${others.measured.length === 0 ? "none measured in this run. " : `measured: ${others.measured.map((other) => other.name).join("; ")}. `}${others.notes.join("; ")}.`,
  quality,
  heading,
  scaleTable,
  "What the hybrid build consists of (each step run alone on the same 100,000 chunks; CPU time counts every thread of the process). The hybrid build indexes a batch of 1,000 chunks in BM25 and embeds it on the calling thread, then hands the vectors to the vector index, which from 10,000 vectors on inserts them in worker threads, one HNSW graph per core (M 16, efConstruction 32; on Linux at nice 10, so they yield to the calling thread), while the next batches are indexed and embedded. On free cores its wall time is therefore about the longer of BM25 + embedding (calling thread) and HNSW CPU / threads, and its CPU time about the sum of the three steps; when the machine is busier than its cores, wall times stretch by the share the run gets and CPU times barely move.",
  stepsTable,
  recallLine,
  kbLine,
  longLine,
  CACHES_ACROSS_PROCESSES,
  checkpoints,
  `Peak RSS of the benchmark process: ${peakRssMiB()} MiB. Load average (1 minute) of the machine, shared with other work: ${loadAtStart.toFixed(1)} when the run started, ${(loadavg()[0] as number).toFixed(1)} when it ended, on ${availableParallelism()} cores.`,
]);
