/**
 * Fusion of the lexical and vector rankings.
 *
 * @module
 */
import { checkArguments } from "@software-factory/core";
import { z } from "zod";
import { List, OptionsArgument } from "../internal/arguments.js";
import type { FusedHit, ScoredId } from "./types.js";

/** Options of {@link fuseRankings}. */
export interface FusionOptions {
  /** Weight of the lexical list (default 1). */
  readonly lexicalWeight?: number;
  /** Weight of the vector list (default 1). */
  readonly vectorWeight?: number;
  /** Rank constant of reciprocal rank fusion (default 60, as in Cormack et al. 2009). */
  readonly k?: number;
}

/**
 * Weighted reciprocal rank fusion: each list adds `weight / (k + rank)` to the
 * ids it holds. Rank-based, so BM25 and cosine scores need no calibration.
 *
 * @throws ValidationError naming `lexical`, `vector` or `options` when one is of the wrong type.
 */
export function fuseRankings(
  lexical: readonly ScoredId[],
  vector: readonly ScoredId[],
  options: FusionOptions = {},
): FusedHit[] {
  checkArguments("fuseRankings", {
    lexical: [List, lexical],
    vector: [List, vector],
    options: [OptionsArgument, options],
  });
  const k = options.k ?? 60;
  const lexicalWeight = options.lexicalWeight ?? 1;
  const vectorWeight = options.vectorWeight ?? 1;
  const fused = new Map<string, { score: number; lexicalRank?: number; vectorRank?: number }>();
  lexical.forEach((hit, index) => {
    fused.set(hit.id, { score: lexicalWeight / (k + index + 1), lexicalRank: index + 1 });
  });
  vector.forEach((hit, index) => {
    const entry = fused.get(hit.id) ?? { score: 0 };
    entry.score += vectorWeight / (k + index + 1);
    entry.vectorRank = index + 1;
    fused.set(hit.id, entry);
  });
  return [...fused]
    .map(([id, entry]) => ({ id, ...entry }))
    .sort((a, b) => b.score - a.score || (a.lexicalRank ?? Infinity) - (b.lexicalRank ?? Infinity));
}

/**
 * Cosine similarity a surface-form vector hit needs to extend the lexical list:
 * below it, a hit shares only a few character trigrams with the query (noise).
 */
export const EXTEND_MIN_SIMILARITY = 0.3;

/**
 * Fusion for surface-form embedders: the lexical ranking as it is, followed by
 * the vector hits it missed that are similar enough, so typos and word parts
 * still find something while a good lexical hit is never pushed down.
 *
 * @throws ValidationError naming `lexical`, `vector` or `minSimilarity` when one is of the wrong type.
 */
export function extendRanking(
  lexical: readonly ScoredId[],
  vector: readonly ScoredId[],
  minSimilarity = EXTEND_MIN_SIMILARITY,
): FusedHit[] {
  checkArguments("extendRanking", {
    lexical: [List, lexical],
    vector: [List, vector],
    minSimilarity: [z.number(), minSimilarity],
  });
  const ranked: FusedHit[] = lexical.map((hit, index) => ({ ...hit, lexicalRank: index + 1 }));
  const seen = new Set(lexical.map((hit) => hit.id));
  const floor = lexical.at(-1)?.score ?? 1;
  vector.forEach((hit, index) => {
    if (seen.has(hit.id) || hit.score < minSimilarity) return;
    ranked.push({ id: hit.id, score: floor * 0.5 * hit.score, vectorRank: index + 1 });
  });
  return ranked;
}
