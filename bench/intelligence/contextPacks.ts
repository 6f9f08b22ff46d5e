/**
 * Context-pack quality on the public retrieval sets (`../shared/data/ir`):
 * the share of each query's relevant documents that a context pack includes at
 * a 2,000-token budget, beside plain top-k search cut to the same budget, and
 * the same packs counted with the token estimate instead of o200k_base.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  contextPackMarkdown,
  estimateTokenCounter,
  type Factory,
  loadTokenCounter,
  openFactory,
  type TokenCounter,
} from "@software-factory/intelligence";
import type { SearchHit } from "@software-factory/knowledge";
import { type IrSet, irDataDir, loadIrSets } from "../lib/ir.js";
import { loadIrIntoFactory } from "../lib/irFactory.js";
import { ms, table } from "../lib/report.js";

/** Token budget of a whole pack, and of the search it is compared with. */
const BUDGET = 2000;
/** Search hits the budget-filling baseline reads: more than fit in the budget. */
const SEARCH_LIMIT = 70;
/** Queries measured per set at most; a larger set is sampled evenly (every n-th query). */
const MAX_QUERIES = 200;

/** Search hits rendered as a context pack holding only knowledge, as markdown. */
function hitsMarkdown(hits: readonly SearchHit[]): string {
  return contextPackMarkdown({
    lines: [],
    standards: { rules: [], instructions: [] },
    activeWork: [],
    knowledge: hits,
    relatedKnowledge: [],
    suspectLinks: [],
  });
}

/** Top-k search cut to a budget: hits in rank order until the next one would take the rendered list over it. */
function cut(
  hits: readonly SearchHit[],
  budget: number,
  counter: TokenCounter,
): { hits: SearchHit[]; tokens: number } {
  let kept: SearchHit[] = [];
  let tokens = counter.count(hitsMarkdown([]));
  for (const hit of hits) {
    const next = [...kept, hit];
    const count = counter.count(hitsMarkdown(next));
    if (count > budget) break;
    kept = next;
    tokens = count;
  }
  return { hits: kept, tokens };
}

/** The share of a query's relevant documents among the documents (factory ids) included. */
function shareOf(
  documents: readonly string[],
  relevant: readonly string[],
  corpusIdOf: Map<string, string>,
): number {
  const found = new Set(documents.map((id) => corpusIdOf.get(id)));
  return relevant.filter((id) => found.has(id)).length / Math.max(1, relevant.length);
}

const idsOf = (hits: readonly SearchHit[]) => hits.map((hit) => hit.document.id);

/** The queries measured of a set: all, or every `step`-th when there are more than `MAX_QUERIES`. */
export function measuredQueries(set: IrSet): { queries: IrSet["queries"]; step: number } {
  const step = Math.ceil(set.queries.length / MAX_QUERIES);
  return { queries: set.queries.filter((_, index) => index % step === 0), step };
}

/** The documents (corpus ids) judged relevant (graded > 0) to a query. */
function relevantTo(set: IrSet, queryId: string): string[] {
  return [...(set.qrels.get(queryId) ?? new Map<string, number>())]
    .filter(([, grade]) => grade > 0)
    .map(([id]) => id);
}

/**
 * Packs built by a factory counting with `estimateTokenCounter` (the set
 * loaded), then their markdown counted with each real tokenizer: the row of
 * the estimate's table for the set.
 */
export async function estimatedPacks(
  estimated: Factory,
  set: IrSet,
  queries: IrSet["queries"],
  corpusIdOf: Map<string, string>,
  tokenizers: readonly TokenCounter[],
): Promise<(string | number)[]> {
  let share = 0;
  let estimateTokens = 0;
  const real = tokenizers.map(() => 0);
  const over = tokenizers.map(() => 0);
  const largest = tokenizers.map(() => 0);
  for (const query of queries) {
    const pack = await estimated.context({ question: query.text, budgetTokens: BUDGET });
    const markdown = contextPackMarkdown(pack);
    tokenizers.forEach((tokenizer, index) => {
      const tokens = tokenizer.count(markdown);
      real[index] = (real[index] ?? 0) + tokens;
      if (tokens > BUDGET) over[index] = (over[index] ?? 0) + 1;
      largest[index] = Math.max(largest[index] ?? 0, tokens);
    });
    share += shareOf(
      [...idsOf(pack.knowledge), ...pack.relatedKnowledge.map((reference) => reference.id)],
      relevantTo(set, query.id),
      corpusIdOf,
    );
    estimateTokens += pack.tokens;
  }
  const row = [
    set.name,
    Math.round(estimateTokens / queries.length),
    ...tokenizers.map((_, index) => Math.round((real[index] ?? 0) / queries.length)),
    ...tokenizers.map((_, index) => {
      const tokens = real[index] ?? 0;
      return `${(((estimateTokens - tokens) / tokens) * 100).toFixed(1)}%`;
    }),
    tokenizers.map((_, index) => `${over[index]} of ${queries.length}`).join(" · "),
    largest.join(" · "),
    (share / queries.length).toFixed(3),
  ];
  console.log(row.join(" | "));
  return row;
}

/** The report's section on packs counted with the estimate, from the rows of {@link estimatedPacks} (o200k_base, then cl100k_base). */
export function estimateSection(rows: readonly (string | number)[][]): string[] {
  return [
    "### Counting with the estimate instead",
    "The same packs built by a factory opened with `tokenCounter: estimateTokenCounter` (no tokenizer to load), then their markdown counted with o200k_base and with cl100k_base. Bias: estimate minus real, over real; a pack is over when its real count passes the budget.",
    table(
      [
        "set",
        "estimate tokens/pack",
        "o200k tokens/pack",
        "cl100k tokens/pack",
        "bias (o200k)",
        "bias (cl100k)",
        "packs over budget (o200k · cl100k)",
        "largest pack (o200k · cl100k)",
        "pack share, in full or named",
      ],
      rows,
    ),
  ];
}

/** Measures context packs on the retrieval sets found from `repoRoot` and returns the report's sections. */
export async function contextPacks(repoRoot: string): Promise<string[]> {
  const sets = loadIrSets(irDataDir(repoRoot));
  if (sets.length === 0) return [`No retrieval sets in ${irDataDir(repoRoot)}; set SF_IR_DATA.`];
  const rows: (string | number)[][] = [];
  const estimateRows: (string | number)[][] = [];
  const rssBefore = process.memoryUsage().rss;
  const loadStart = performance.now();
  const tokenizer = await loadTokenCounter("o200k_base");
  const tokenizerLoad = `${ms(performance.now() - loadStart)} ms, +${Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20)} MiB RSS`;
  const cl100k = await loadTokenCounter("cl100k_base");
  for (const set of sets) {
    const dir = mkdtempSync(join(tmpdir(), "bench-context-"));
    const factory = await openFactory({ dir, durability: "normal" });
    const corpusIdOf = await loadIrIntoFactory(factory, set);
    const { queries, step } = measuredQueries(set);
    const relevantOf = (queryId: string) => relevantTo(set, queryId);
    const methods = ["pack", "packNamed", "top10", "fill"] as const;
    const share = { pack: 0, packNamed: 0, top10: 0, fill: 0 };
    const docs = { pack: 0, packNamed: 0, top10: 0, fill: 0 };
    const tokens = { pack: 0, packNamed: 0, top10: 0, fill: 0 };
    let packCpu = 0;
    let packWall = 0;
    for (const query of queries) {
      const relevant = relevantOf(query.id);
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      const pack = await factory.context({ question: query.text, budgetTokens: BUDGET });
      packWall += performance.now() - wallStart;
      const cpu = process.cpuUsage(cpuStart);
      packCpu += (cpu.user + cpu.system) / 1000;
      const searched = (await factory.knowledge.search(query.text, { limit: SEARCH_LIMIT })).hits;
      const top10Cut = cut(searched.slice(0, 10), BUDGET, tokenizer);
      const fillCut = cut(searched, BUDGET, tokenizer);
      const answers = {
        pack: { documents: idsOf(pack.knowledge), tokens: pack.tokens },
        packNamed: {
          documents: [...idsOf(pack.knowledge), ...pack.relatedKnowledge.map((reference) => reference.id)],
          tokens: pack.tokens,
        },
        top10: { documents: idsOf(top10Cut.hits), tokens: top10Cut.tokens },
        fill: { documents: idsOf(fillCut.hits), tokens: fillCut.tokens },
      };
      for (const method of methods) {
        share[method] += shareOf(answers[method].documents, relevant, corpusIdOf);
        docs[method] += answers[method].documents.length;
        tokens[method] += answers[method].tokens;
      }
    }
    await factory.close();
    const estimated = await openFactory({ dir, durability: "normal", tokenCounter: estimateTokenCounter });
    estimateRows.push(await estimatedPacks(estimated, set, queries, corpusIdOf, [tokenizer, cl100k]));
    await estimated.close();
    rmSync(dir, { recursive: true, force: true });
    const mean = (total: number) => total / queries.length;
    rows.push([
      set.name,
      queries.length === set.queries.length
        ? String(queries.length)
        : `${queries.length} of ${set.queries.length} (one in ${step})`,
      mean(share.pack).toFixed(3),
      mean(share.packNamed).toFixed(3),
      mean(share.top10).toFixed(3),
      mean(share.fill).toFixed(3),
      mean(share.fill) === 0 ? "n/a" : (mean(share.packNamed) / mean(share.fill)).toFixed(2),
      methods
        .map((method) => `${mean(docs[method]).toFixed(1)} / ${Math.round(mean(tokens[method]))}`)
        .join(" · "),
      ms(packWall / queries.length),
      ms(packCpu / queries.length),
    ]);
    console.log(rows.at(-1)?.join(" | "));
  }
  return [
    `## Context packs: relevant documents within ${BUDGET.toLocaleString("en-US")} tokens`,
    `For each query, a context pack for the question (\`factory.context({ question, budgetTokens: ${BUDGET} })\`; the budget bounds the whole pack as markdown, counted with o200k_base, the default) beside plain search (\`factory.knowledge.search\`, the top 10, and the top ${SEARCH_LIMIT}, enough to fill the budget) cut in rank order at the first hit that would take the same rendering (\`contextPackMarkdown\` of the hits) over the same budget, counted the same way. Cut to the budget, the top ${SEARCH_LIMIT} is what a user would get from search alone with the same budget. The pack puts the best hits in full (title, source, excerpt as plain text; the search hits of the two cuts keep their \`**\` marks around matched words, as search returns them) in up to 70 % of what the budget leaves, then names further matching documents by title and id (\`relatedKnowledge\`, for an agent to fetch) in the rest; it skips a hit that does not fit and tries the next ones. Share: relevant documents (graded > 0) included, over all relevant documents of the query, averaged over queries: in full, and in full or named. Tokens: o200k_base tokens of the rendered markdown. Each set is loaded into a fresh factory (SQLite, default hashing embedder); ms per query is the pack alone (search included), CPU time beside wall time because the machine is shared. Loading the tokenizer took ${tokenizerLoad}.`,
    table(
      [
        "set",
        "queries",
        "pack share, in full",
        "pack share, in full or named",
        "top-10 cut share",
        "search filling the budget, share",
        "pack named / search filling",
        "documents / tokens (pack in full · in full or named · top-10 · search filling)",
        "pack wall ms/query",
        "pack CPU ms/query",
      ],
      rows,
    ),
    ...estimateSection(estimateRows),
  ];
}
