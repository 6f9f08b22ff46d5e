/**
 * Public retrieval sets in the BEIR layout (read in place from `../shared/data/ir`)
 * and the measures BEIR reports: nDCG@10 with graded relevance and recall@100.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One retrieval set: documents, queries, and graded relevance judgments. */
export interface IrSet {
  readonly name: string;
  readonly docs: { id: string; title: string; text: string }[];
  readonly queries: { id: string; text: string }[];
  /** query id → document id → graded relevance. */
  readonly qrels: Map<string, Map<string, number>>;
}

/** Where the sets live: `SF_IR_DATA`, else `../shared/data/ir` next to the repository. */
export function irDataDir(repoRoot: string): string {
  return process.env.SF_IR_DATA ?? join(repoRoot, "..", "shared", "data", "ir");
}

/** Loads every set found in `dir` (none when it does not exist). */
export function loadIrSets(dir: string): IrSet[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "corpus.jsonl")))
    .map((entry) => loadIrSet(join(dir, entry.name), entry.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function jsonLines<T>(path: string): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

function loadIrSet(dir: string, name: string): IrSet {
  const docs = jsonLines<{ _id: string; title?: string; text: string }>(join(dir, "corpus.jsonl")).map(
    (doc) => ({
      id: doc._id,
      title: doc.title ?? "",
      text: doc.text,
    }),
  );
  const qrels = new Map<string, Map<string, number>>();
  for (const line of readFileSync(join(dir, "qrels", "test.tsv"), "utf8")
    .split("\n")
    .slice(1)) {
    const [query, doc, score] = line.split("\t");
    if (query === undefined || doc === undefined || score === undefined) continue;
    const judged = qrels.get(query) ?? new Map<string, number>();
    judged.set(doc, Number(score));
    qrels.set(query, judged);
  }
  const queries = jsonLines<{ _id: string; text: string }>(join(dir, "queries.jsonl"))
    .filter((query) => qrels.has(query._id))
    .map((query) => ({ id: query._id, text: query.text }));
  return { name, docs, queries, qrels };
}

/** nDCG@k of one ranking with graded relevance and the log2 discount. */
export function ndcgAt(k: number, ranked: readonly string[], judged: ReadonlyMap<string, number>): number {
  const gain = (relevance: number) => 2 ** relevance - 1;
  let dcg = 0;
  ranked.slice(0, k).forEach((id, rank) => {
    dcg += gain(judged.get(id) ?? 0) / Math.log2(rank + 2);
  });
  const ideal = [...judged.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((sum, relevance, rank) => sum + gain(relevance) / Math.log2(rank + 2), 0);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Share of the relevant documents found in the first k. */
export function recallAt(k: number, ranked: readonly string[], judged: ReadonlyMap<string, number>): number {
  const relevant = [...judged].filter(([, relevance]) => relevance > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const found = new Set(ranked.slice(0, k));
  return relevant.filter((id) => found.has(id)).length / relevant.length;
}

/** Mean nDCG@10 and recall@100 of a ranking function over a set. */
export function evaluate(
  set: IrSet,
  rank: (query: string) => readonly string[],
): { ndcg10: number; recall100: number } {
  let ndcg = 0;
  let recall = 0;
  for (const query of set.queries) {
    const judged = set.qrels.get(query.id) as Map<string, number>;
    const ranked = rank(query.text);
    ndcg += ndcgAt(10, ranked, judged);
    recall += recallAt(100, ranked, judged);
  }
  return { ndcg10: ndcg / set.queries.length, recall100: recall / set.queries.length };
}

/**
 * A larger set made from `base` for latency at scale: its documents repeated
 * until there are `target` of them, every copy after the first with each word
 * dropped with probability 0.15 (a fixed-seed generator, so every run and every
 * benchmark gets the same chunks) and a copy-specific token added, so that no
 * two chunks are equal. Queries and judgments are the base set's.
 */
export function perturbedCopies(base: IrSet, target: number): IrSet {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const docs: IrSet["docs"] = [];
  for (let copy = 0; docs.length < target; copy += 1) {
    for (const doc of base.docs) {
      if (docs.length >= target) break;
      const words = doc.text.split(/\s+/).filter(() => copy === 0 || random() > 0.15);
      docs.push({ id: `${doc.id}-${copy}`, title: doc.title, text: `${words.join(" ")} copy${copy}` });
    }
  }
  return {
    ...base,
    name: `${base.name} x${Math.round(target / base.docs.length)} (${target / 1000}k chunks)`,
    docs,
  };
}
