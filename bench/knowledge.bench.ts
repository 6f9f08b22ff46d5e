/**
 * Knowledge search quality and speed on the public retrieval sets in
 * `../shared/data/ir` (read in place), beside what a user would pick instead:
 * SQLite FTS5 (porter), MiniSearch and Orama, each with its defaults and with
 * the best settings found for it. Then latency at 100,000 chunks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AnyOrama, create, insertMultiple, search as oramaSearch } from "@orama/orama";
import { hashJson, openEventLog } from "@software-factory/core";
import {
  chunkMarkdown,
  createHashingEmbedder,
  createOpenAiEmbedder,
  createTransformersEmbedder,
  DocumentCaptured,
  type Embedder,
  extendRanking,
  fuseRankings,
  knowledgeEvents,
  LexicalIndex,
  openKnowledgeBase,
  tokenize,
  VectorIndex,
} from "@software-factory/knowledge";
import Database from "better-sqlite3";
import MiniSearch from "minisearch";
import { evaluate, type IrSet, irDataDir, loadIrSets, perturbedCopies } from "./lib/ir.js";
import { ms, peakRssMiB, percentile, table, writeReport } from "./lib/report.js";

const loadAtStart = loadavg()[0] as number;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const sets = loadIrSets(irDataDir(repoRoot));
if (sets.length === 0) {
  writeReport("knowledge", "Knowledge search", [
    `No retrieval sets found in ${irDataDir(repoRoot)}; set SF_IR_DATA to a folder of BEIR-layout sets.`,
  ]);
  process.exit(0);
}

/** A search engine under test: built once, then asked each query. */
interface Engine {
  readonly name: string;
  build(docs: IrSet["docs"]): Promise<void> | void;
  search(query: string, limit: number): Promise<string[]> | string[];
  /** Our vector index, for its recall against exact search. */
  readonly vectorIndex?: VectorIndex;
}

const embedder = createHashingEmbedder();

/** An embedder measured beside the default one, with the name its rows carry. */
interface NamedEmbedder {
  readonly name: string;
  readonly embedder: Embedder;
}

/**
 * The other embedders to measure, when this machine has them: a local ONNX
 * model folder for transformers.js (`KNOWLEDGE_BENCH_MODEL`, optionally
 * `KNOWLEDGE_BENCH_POOLING`) and an OpenAI-compatible server
 * (`KNOWLEDGE_BENCH_OPENAI_URL`, `_MODEL`, `_DIMENSION`, `_KEY`).
 */
async function otherEmbedders(): Promise<{ measured: NamedEmbedder[]; notes: string[] }> {
  const measured: NamedEmbedder[] = [];
  const notes: string[] = [];
  const modelPath = process.env.KNOWLEDGE_BENCH_MODEL;
  if (modelPath === undefined) {
    notes.push(
      "transformers.js: not measured (no local ONNX model on this machine; set KNOWLEDGE_BENCH_MODEL to a model folder, e.g. a clone of Xenova/all-MiniLM-L6-v2)",
    );
  } else {
    const pooling = process.env.KNOWLEDGE_BENCH_POOLING === "cls" ? "cls" : "mean";
    const model = await createTransformersEmbedder({ modelPath, pooling, batchSize: 64 });
    measured.push({
      name: `transformers.js ${basename(modelPath)} (${model.dimension}d, ${pooling})`,
      embedder: model,
    });
  }
  const url = process.env.KNOWLEDGE_BENCH_OPENAI_URL;
  if (url === undefined) {
    notes.push(
      "OpenAI-compatible: not measured (no embedding server reachable from this machine; set KNOWLEDGE_BENCH_OPENAI_URL, _MODEL, _DIMENSION and _KEY)",
    );
  } else {
    const model = process.env.KNOWLEDGE_BENCH_OPENAI_MODEL ?? "text-embedding-3-small";
    const key = process.env.KNOWLEDGE_BENCH_OPENAI_KEY;
    measured.push({
      name: `OpenAI-compatible ${model}`,
      embedder: createOpenAiEmbedder({
        url,
        model,
        dimension: Number(process.env.KNOWLEDGE_BENCH_OPENAI_DIMENSION ?? 1536),
        ...(key === undefined ? {} : { apiKey: key }),
      }),
    });
  }
  return { measured, notes };
}

const others = await otherEmbedders();

/** Documents per batch of the indexing pipeline: indexed lexically, embedded, handed to the vector index. */
const PIPELINE_BATCH = 1000;

function ours(mode: "lexical" | "vector" | "hybrid" | "rrf", other?: NamedEmbedder): Engine {
  const model = other?.embedder ?? embedder;
  const lexical = new LexicalIndex();
  const vector = new VectorIndex(model);
  /** Each batch indexed lexically and embedded on this thread; the vector index builds meanwhile (worker threads from 10,000 on). */
  async function* pipeline(docs: IrSet["docs"]): AsyncGenerator<[string, Float32Array]> {
    for (let start = 0; start < docs.length; start += PIPELINE_BATCH) {
      const batch = docs.slice(start, start + PIPELINE_BATCH);
      if (mode !== "vector") for (const doc of batch) lexical.add(doc.id, doc.text, doc.title);
      const vectors = await model.embed(batch.map((doc) => `${doc.title}\n${doc.text}`));
      for (const [index, doc] of batch.entries()) yield [doc.id, vectors[index] as Float32Array];
    }
  }
  return {
    name:
      other === undefined
        ? {
            lexical: "ours: BM25 (MaxScore)",
            vector: "ours: vector (hashing)",
            hybrid: "ours: hybrid (default)",
            rrf: "ours: hybrid RRF",
          }[mode]
        : `ours: ${mode === "vector" ? "vector" : "hybrid RRF (the default for a semantic embedder)"}, ${other.name}`,
    build: async (docs) => {
      if (mode === "lexical") for (const doc of docs) lexical.add(doc.id, doc.text, doc.title);
      else await vector.addAll(pipeline(docs));
    },
    search: async (query, limit) => {
      const lexicalHits = mode === "vector" ? [] : lexical.search(query, { limit });
      if (mode === "lexical") return lexicalHits.map((hit) => hit.id);
      const [queryVector] = await model.embed([query]);
      const vectorHits = vector.search(queryVector as Float32Array, { limit });
      if (mode === "vector") return vectorHits.map((hit) => hit.id);
      const fused =
        mode === "rrf" ? fuseRankings(lexicalHits, vectorHits) : extendRanking(lexicalHits, vectorHits);
      return fused.slice(0, limit).map((hit) => hit.id);
    },
    vectorIndex: vector,
  };
}

function fts5(titleWeight: number): Engine {
  const db = new Database(":memory:");
  db.exec("create virtual table docs using fts5(id unindexed, title, body, tokenize='porter')");
  const query = db.prepare(
    `select id from docs where docs match ? order by bm25(docs, 0, ${titleWeight}, 1) limit ?`,
  );
  return {
    name: titleWeight === 1 ? "SQLite FTS5 porter" : `SQLite FTS5 porter, title x${titleWeight}`,
    build: (docs) => {
      const insert = db.prepare("insert into docs(id, title, body) values (?, ?, ?)");
      db.transaction(() => {
        for (const doc of docs) insert.run(doc.id, doc.title, doc.text);
      })();
    },
    search: (text, limit) => {
      const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
      if (words.length === 0) return [];
      return (query.all(words.map((word) => `"${word}"`).join(" OR "), limit) as { id: string }[]).map(
        (row) => row.id,
      );
    },
  };
}

function miniSearch(best: boolean): Engine {
  const index = new MiniSearch<{ id: string; title: string; text: string }>({
    fields: ["title", "text"],
    ...(best
      ? {
          // Our tokenizer (identifier splitting, Porter stems) and a title boost: the best settings found.
          tokenize: (text: string) => tokenize(text),
          processTerm: (term: string) => term,
          searchOptions: { boost: { title: 2 } },
        }
      : {}),
  });
  return {
    name: best ? "MiniSearch, our tokenizer + title x2" : "MiniSearch defaults",
    build: (docs) => index.addAll(docs),
    search: (query, limit) =>
      index
        .search(query)
        .slice(0, limit)
        .map((hit) => String(hit.id)),
  };
}

function orama(best: boolean): Engine {
  let db: AnyOrama | undefined;
  return {
    name: best ? "Orama, English stemming + title x2" : "Orama defaults",
    build: async (docs) => {
      db = create({
        schema: { id: "string", title: "string", text: "string" } as const,
        ...(best ? { components: { tokenizer: { stemming: true, language: "english" } } } : {}),
      });
      await insertMultiple(db, docs, 1000);
    },
    search: async (term, limit) => {
      const result = await oramaSearch(db as AnyOrama, {
        term,
        limit,
        properties: ["title", "text"],
        ...(best ? { boost: { title: 2 } } : {}),
      });
      return result.hits.map((hit) => String((hit.document as { id: string }).id));
    },
  };
}

interface Row {
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

async function measure(set: IrSet, engine: Engine): Promise<Row> {
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

const engines = (): Engine[] => [
  ours("lexical"),
  ours("vector"),
  ours("hybrid"),
  ours("rrf"),
  ...others.measured.flatMap((other) => [ours("vector", other), ours("rrf", other)]),
  fts5(1),
  fts5(2),
  miniSearch(false),
  miniSearch(true),
  orama(false),
  orama(true),
];

const rows: Row[] = [];
for (const set of sets) {
  for (const engine of engines()) {
    const row = await measure(set, engine);
    rows.push(row);
    console.log(`${set.name} ${engine.name}: nDCG@10 ${row.ndcg10.toFixed(3)}, ${ms(row.p50)} ms p50`);
  }
}

const fixed = (value: number) => value.toFixed(3);
const qualityTable = table(
  [
    "set",
    "engine",
    "nDCG@10",
    "recall@100",
    "vs FTS5 nDCG",
    "build ms",
    "query p50 ms",
    "query p99 ms",
    "index heap MiB",
  ],
  rows.map((row) => {
    const baseline = rows.find(
      (other) => other.set === row.set && other.engine === "SQLite FTS5 porter",
    ) as Row;
    return [
      row.set,
      row.engine,
      fixed(row.ndcg10),
      fixed(row.recall100),
      `${(row.ndcg10 / baseline.ndcg10).toFixed(2)}x`,
      ms(row.buildMs),
      ms(row.p50),
      ms(row.p99),
      row.heapMiB.toFixed(0),
    ];
  }),
);

// Scale: 100,000 chunks made from the MS MARCO passages, each copy perturbed so
// that no two chunks are equal (every word dropped with probability 0.15, one
// copy-specific token added), queried with the set's full-sentence questions.
const base = sets.find((set) => set.name.startsWith("msmarco")) ?? (sets[0] as IrSet);
const TARGET = 100_000;
const scaleSet = perturbedCopies(base, TARGET);
const scaleRows: Row[] = [];
const scaleHybrid = ours("hybrid");
for (const engine of [ours("lexical"), scaleHybrid, fts5(1), miniSearch(false)]) {
  const row = await measure(scaleSet, engine);
  scaleRows.push(row);
  console.log(
    `100k ${engine.name}: ${ms(row.p50)} ms p50, ${ms(row.p99)} ms p99, build ${ms(row.buildMs)} ms (CPU ${ms(row.buildCpuMs)} ms)`,
  );
}
const baselineScale = scaleRows.find((row) => row.engine === "SQLite FTS5 porter") as Row;
const seconds = (value: number) => (value / 1000).toFixed(1);
const scaleTable = table(
  ["engine", "build s", "build CPU s", "query p50 ms", "query p99 ms", "p50 vs FTS5", "index heap MiB"],
  scaleRows.map((row) => [
    row.engine,
    seconds(row.buildMs),
    seconds(row.buildCpuMs),
    ms(row.p50),
    ms(row.p99),
    `${(baselineScale.p50 / row.p50).toFixed(1)}x faster`,
    row.heapMiB.toFixed(0),
  ]),
);

/** Wall and CPU time (all threads) of one step. */
async function timed<T>(work: () => Promise<T> | T): Promise<{ result: T; wallMs: number; cpuMs: number }> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const cpu = process.cpuUsage(cpuBefore);
  return { result, wallMs: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

// What the hybrid build consists of: each step alone, on the same chunks.
const embedding = await timed(() => embedder.embed(scaleSet.docs.map((doc) => `${doc.title}\n${doc.text}`)));
const scaleVectors = embedding.result;
const entries = scaleSet.docs.map((doc, index) => [doc.id, scaleVectors[index] as Float32Array] as const);
const graphsParallel = await timed(() => new VectorIndex(embedder).addAll(entries));
const graphSingle = await timed(() => new VectorIndex(embedder, { buildThreads: 1 }).addAll(entries));
const lexicalRow = scaleRows.find((row) => row.engine === "ours: BM25 (MaxScore)") as Row;
const hybridRow = scaleRows.find((row) => row.engine === "ours: hybrid (default)") as Row;
const stepsTable = table(
  ["step, alone", "wall s", "CPU s"],
  [
    ["BM25 index (tokenizing, postings)", seconds(lexicalRow.buildMs), seconds(lexicalRow.buildCpuMs)],
    ["hashing embedder (tokenizing, hashing)", seconds(embedding.wallMs), seconds(embedding.cpuMs)],
    [
      `HNSW graphs from ready vectors, ${availableParallelism()} worker threads (default)`,
      seconds(graphsParallel.wallMs),
      seconds(graphsParallel.cpuMs),
    ],
    ["HNSW graph from ready vectors, 1 thread", seconds(graphSingle.wallMs), seconds(graphSingle.cpuMs)],
    [
      "hybrid build as measured above (all three, overlapped)",
      seconds(hybridRow.buildMs),
      seconds(hybridRow.buildCpuMs),
    ],
  ],
);

// How close the approximate vector search comes to exact cosine search at this size.
function exactNearest(query: Float32Array, k: number): Set<string> {
  const scores = scaleVectors.map((vector) => {
    let dot = 0;
    for (let i = 0; i < vector.length; i += 1) dot += (vector[i] as number) * (query[i] as number);
    return dot;
  });
  const order = [...scores.keys()].sort((a, b) => (scores[b] as number) - (scores[a] as number));
  return new Set(order.slice(0, k).map((index) => (scaleSet.docs[index] as IrSet["docs"][number]).id));
}
const queryVectors = await embedder.embed(scaleSet.queries.map((query) => query.text));
const annRecall = (k: number) => {
  let found = 0;
  for (const query of queryVectors) {
    const exact = exactNearest(query, k);
    const hits = (scaleHybrid.vectorIndex as VectorIndex).search(query, { limit: k });
    found += hits.filter((hit) => exact.has(hit.id)).length / k;
  }
  return (found / queryVectors.length).toFixed(3);
};
const recallLine = `Vector search against exact cosine search over the same 100,000 vectors, ${queryVectors.length} queries: recall@10 ${annRecall(10)}, recall@100 ${annRecall(100)}.`;
console.log(recallLine);

// The same chunks through the knowledge base itself: one document each, appended
// to a fresh event log, then a knowledge base opened on it without caches, which
// folds the log, chunks the markdown, indexes BM25, embeds and builds the graphs.
const kbFolder = mkdtempSync(join(tmpdir(), "sf-knowledge-bench-"));
const kbLog = await openEventLog({ path: join(kbFolder, "factory.db") });
kbLog.registry.register(...knowledgeEvents);
const capturedAt = new Date().toISOString();
for (let start = 0; start < scaleSet.docs.length; start += 1000) {
  await kbLog.append(
    scaleSet.docs.slice(start, start + 1000).map((doc, offset) => {
      const title = doc.title.trim() || doc.text.slice(0, 60);
      return {
        type: DocumentCaptured.type,
        subject: `doc_${start + offset}`,
        data: {
          kind: "research",
          source: { system: "bench", uri: doc.id },
          links: [],
          supersedes: [],
          title,
          body: doc.text,
          contentHash: hashJson({ title, body: doc.text, decision: null }),
          tags: [],
          lines: [],
          validFrom: capturedAt,
        },
      };
    }),
  );
}
const kbOpen = await timed(() => openKnowledgeBase({ log: kbLog, dir: join(kbFolder, "knowledge") }));
await kbOpen.result.close();
await kbLog.close();
rmSync(kbFolder, { recursive: true, force: true });
const kbLine = `Through the knowledge base: ${scaleSet.docs.length.toLocaleString("en-US")} documents (one chunk each) appended to a fresh event log, then \`openKnowledgeBase\` without caches (fold the log, chunk the markdown, BM25, embed, HNSW, save the caches): ${seconds(kbOpen.wallMs)} s wall, ${seconds(kbOpen.cpuMs)} s CPU.`;
console.log(kbLine);

// Longer documents, as a docs folder holds them: headings over paragraphs written
// on one line, each paragraph 2 to 5 of the same passages (often more than one
// chunk), chunked and then indexed through the knowledge base from an empty cache.
const LONG_DOCUMENTS = 3000;
let longSeed = 7;
const longRandom = () => {
  longSeed = (longSeed * 1_103_515_245 + 12_345) % 2 ** 31;
  return longSeed / 2 ** 31;
};
let passage = 0;
const nextPassage = () => (base.docs[passage++ % base.docs.length] as IrSet["docs"][number]).text.trim();
const longDocs = Array.from({ length: LONG_DOCUMENTS }, (_, index) => {
  const parts = [`# Notes ${index}`];
  const sections = 1 + Math.floor(longRandom() * 3);
  for (let section = 0; section < sections; section += 1) {
    parts.push(`${longRandom() < 0.5 ? "##" : "###"} Part ${section + 1}`);
    parts.push(Array.from({ length: 2 + Math.floor(longRandom() * 4) }, nextPassage).join(" "));
  }
  return { title: `Notes ${index}`, body: parts.join("\n\n") };
});
const longChunking = await timed(() => longDocs.map((doc) => chunkMarkdown(doc.body)));
const longChunks = longChunking.result.reduce((sum, chunks) => sum + chunks.length, 0);
const longFolder = mkdtempSync(join(tmpdir(), "sf-knowledge-bench-long-"));
const longLog = await openEventLog({ path: join(longFolder, "factory.db") });
longLog.registry.register(...knowledgeEvents);
await longLog.append(
  longDocs.map((doc, index) => ({
    type: DocumentCaptured.type,
    subject: `doc_${index}`,
    data: {
      kind: "research",
      source: { system: "bench", uri: `long/${index}.md` },
      links: [],
      supersedes: [],
      title: doc.title,
      body: doc.body,
      contentHash: hashJson({ title: doc.title, body: doc.body, decision: null }),
      tags: [],
      lines: [],
      validFrom: capturedAt,
    },
  })),
);
const longOpen = await timed(() => openKnowledgeBase({ log: longLog, dir: join(longFolder, "knowledge") }));
await longOpen.result.close();
await longLog.close();
rmSync(longFolder, { recursive: true, force: true });
const longChars = longDocs.reduce((sum, doc) => sum + doc.body.length, 0) / LONG_DOCUMENTS;
const perSecond = (count: number, wallMs: number) =>
  Math.round((count / wallMs) * 1000).toLocaleString("en-US");
const longLine = `Longer documents through the knowledge base: ${LONG_DOCUMENTS.toLocaleString("en-US")} documents of ${Math.round(longChars).toLocaleString("en-US")} characters on average (a heading, then 1 to 3 sections each of a heading and one paragraph on one line made of 2 to 5 of the ${base.name} passages), ${longChunks.toLocaleString("en-US")} chunks. \`chunkMarkdown\` alone: ${seconds(longChunking.cpuMs)} s CPU. Appended to a fresh event log, then \`openKnowledgeBase\` without caches: ${seconds(longOpen.wallMs)} s wall, ${seconds(longOpen.cpuMs)} s CPU, ${perSecond(LONG_DOCUMENTS, longOpen.wallMs)} documents a second (the one-chunk documents above: ${perSecond(scaleSet.docs.length, kbOpen.wallMs)} a second).`;
console.log(longLine);

writeReport("knowledge", "Knowledge search: quality and speed", [
  "Produced by `npm run bench -- knowledge`. Sets read in place from `../shared/data/ir` (BEIR layout); nDCG@10 with graded relevance and recall@100 as BEIR reports them. Each engine indexes title and text; queries are the sets' own. Latency is one query at a time in one process, top 100, over a second pass of the queries (the first, untimed, warms the process up as a running server is). Index heap is the growth of V8 heap + array buffers after building (FTS5 lives outside the V8 heap, so it shows about 0).",
  "The default embedder is the local hashing one (words and character trigrams, 256 dimensions): not a semantic model. `ours: hybrid (default)` keeps the BM25 ranking and only appends vector hits BM25 missed (cosine ≥ 0.3); `ours: hybrid RRF` is plain reciprocal rank fusion with the same vectors, shown to justify that choice.",
  `Other embedders: ${others.measured.length === 0 ? "none measured in this run. " : `measured: ${others.measured.map((other) => other.name).join("; ")}. `}${others.notes.join("; ")}.`,
  qualityTable,
  `## At 100,000 chunks\n\n${scaleSet.docs.length.toLocaleString("en-US")} chunks made by repeating the ${base.name} passages ${Math.ceil(TARGET / base.docs.length)} times, each copy with every word dropped with probability 0.15 and a copy-specific token added; queried with its ${base.queries.length} full-sentence questions.`,
  scaleTable,
  "What the hybrid build consists of (each step run alone on the same 100,000 chunks; CPU time counts every thread of the process). The hybrid build indexes a batch of 1,000 chunks in BM25 and embeds it on the calling thread, then hands the vectors to the vector index, which from 10,000 vectors on inserts them in worker threads, one HNSW graph per core (M 16, efConstruction 32; on Linux at nice 10, so they yield to the calling thread), while the next batches are indexed and embedded. On free cores its wall time is therefore about the longer of BM25 + embedding (calling thread) and HNSW CPU / threads, and its CPU time about the sum of the three steps; when the machine is busier than its cores, wall times stretch by the share the run gets and CPU times barely move.",
  stepsTable,
  recallLine,
  kbLine,
  longLine,
  `Peak RSS of the benchmark process: ${peakRssMiB()} MiB. Load average (1 minute) of the machine, shared with other work: ${loadAtStart.toFixed(1)} when the run started, ${(loadavg()[0] as number).toFixed(1)} when it ended, on ${availableParallelism()} cores.`,
]);
