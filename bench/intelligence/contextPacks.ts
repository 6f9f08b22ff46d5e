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
  loadTokenCounter,
  openFactory,
  type TokenCounter,
} from "@software-factory/intelligence";
import type { SearchHit } from "@software-factory/knowledge";
import { irDataDir, loadIrSets } from "../lib/ir.js";
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
  for (const set of sets) {
    const dir = mkdtempSync(join(tmpdir(), "bench-context-"));
    const factory = await openFactory({ dir, durability: "normal" });
    const corpusIdOf = await loadIrIntoFactory(factory, set);
    const step = Math.ceil(set.queries.length / MAX_QUERIES);
    const queries = set.queries.filter((_, index) => index % step === 0);
    const relevantOf = (queryId: string) =>
      [...(set.qrels.get(queryId) ?? new Map<string, number>())]
        .filter(([, grade]) => grade > 0)
        .map(([id]) => id);
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
    // Packs counted with the estimate instead, then measured with the real tokenizer.
    const estimated = await openFactory({ dir, durability: "normal", tokenCounter: estimateTokenCounter });
    let estimateShare = 0;
    let estimateTokens = 0;
    let realTokens = 0;
    let over = 0;
    for (const query of queries) {
      const pack = await estimated.context({ question: query.text, budgetTokens: BUDGET });
      const real = tokenizer.count(contextPackMarkdown(pack));
      estimateShare += shareOf(
        [...idsOf(pack.knowledge), ...pack.relatedKnowledge.map((reference) => reference.id)],
        relevantOf(query.id),
        corpusIdOf,
      );
      estimateTokens += pack.tokens;
      realTokens += real;
      if (real > BUDGET) over += 1;
    }
    await estimated.close();
    rmSync(dir, { recursive: true, force: true });
    const mean = (total: number) => total / queries.length;
    estimateRows.push([
      set.name,
      Math.round(mean(estimateTokens)),
      Math.round(mean(realTokens)),
      `${(((estimateTokens - realTokens) / realTokens) * 100).toFixed(1)}%`,
      `${over} of ${queries.length}`,
      mean(estimateShare).toFixed(3),
    ]);
    console.log(estimateRows.at(-1)?.join(" | "));
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
    "### Counting with the estimate instead",
    "The same packs built by a factory opened with `tokenCounter: estimateTokenCounter` (no tokenizer to load), then their markdown counted with o200k_base. Bias: estimate minus real, over real; a pack is over when its real count passes the budget.",
    table(
      [
        "set",
        "estimate tokens/pack",
        "o200k tokens/pack",
        "bias",
        "packs over budget (o200k)",
        "pack share, in full or named",
      ],
      estimateRows,
    ),
  ];
}
