/**
 * Latency at 100,000 chunks: the engines on a set grown from one retrieval
 * set's passages, what the hybrid build consists of, and how close the
 * approximate vector search comes to exact cosine search.
 */
import { availableParallelism } from "node:os";
import { VectorIndex } from "@software-factory/knowledge";
import { type IrSet, perturbedCopies } from "../lib/ir.js";
import { ms, table } from "../lib/report.js";
import { embedder } from "./embedders.js";
import { fts5, miniSearch, ours } from "./engines.js";
import { measure, type Row, seconds, timed } from "./measure.js";

/** Chunks in the grown set. */
const TARGET = 100_000;

/** What {@link atScale} measured: the grown set, and the report's heading, tables and recall line. */
export interface ScaleResults {
  readonly scaleSet: IrSet;
  readonly heading: string;
  readonly scaleTable: string;
  readonly stepsTable: string;
  readonly recallLine: string;
}

/**
 * Scale: 100,000 chunks made from the passages of `base`, each copy perturbed so
 * that no two chunks are equal (every word dropped with probability 0.15, one
 * copy-specific token added), queried with the set's full-sentence questions.
 */
export async function atScale(base: IrSet): Promise<ScaleResults> {
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

  // What the hybrid build consists of: each step alone, on the same chunks.
  const embedding = await timed(() =>
    embedder.embed(scaleSet.docs.map((doc) => `${doc.title}\n${doc.text}`)),
  );
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
  const heading = `## At 100,000 chunks\n\n${scaleSet.docs.length.toLocaleString("en-US")} chunks made by repeating the ${base.name} passages ${Math.ceil(TARGET / base.docs.length)} times, each copy with every word dropped with probability 0.15 and a copy-specific token added; queried with its ${base.queries.length} full-sentence questions.`;
  return { scaleSet, heading, scaleTable, stepsTable, recallLine };
}
