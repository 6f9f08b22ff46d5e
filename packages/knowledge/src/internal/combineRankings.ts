/**
 * How the rankings of a chunk search combine: lexical and vector hits fused
 * (or one of them alone), rankings on one scale merged, and hits collapsed to
 * the best one of each document.
 *
 * @module
 */
import { extendRanking, type FusionOptions, fuseRankings } from "../search/fuse.js";
import type { FusedHit, ScoredId } from "../search/types.js";

/** How lexical and vector hits combine (see `OpenKnowledgeBaseOptions.fusion`). */
export type FusionSettings = FusionOptions & { readonly mode: "rrf" | "extend" | "lexical" };

/**
 * The hits of a search in `mode`: the vector ranking alone, the lexical one
 * alone (also when there are no vector hits), or both fused as `fusion` says.
 */
export function fuseHits(
  lexical: readonly ScoredId[],
  vector: readonly ScoredId[],
  mode: "hybrid" | "lexical" | "vector",
  fusion: FusionSettings,
): FusedHit[] {
  if (mode === "vector") return vector.map((hit, index) => ({ ...hit, vectorRank: index + 1 }));
  const lexicalHits = lexical.map((hit, index) => ({ ...hit, lexicalRank: index + 1 }));
  if (mode === "lexical" || vector.length === 0) return lexicalHits;
  if (fusion.mode === "rrf") return fuseRankings(lexical, vector, fusion);
  return extendRanking(lexical, vector);
}

/** Keeps the best hit of each document, in order. */
export function collapse(hits: readonly FusedHit[], documentOf: (chunkId: string) => string): FusedHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const document = documentOf(hit.id);
    if (seen.has(document)) return false;
    seen.add(document);
    return true;
  });
}

/** Two rankings on one scale merged, best first, cut to `limit`. */
export function mergeByScore(ranked: ScoredId[], more: readonly ScoredId[], limit: number): ScoredId[] {
  if (more.length === 0) return ranked;
  return [...ranked, ...more].sort((a, b) => b.score - a.score).slice(0, limit);
}

/** Cosine similarity of two vectors of one dimension. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return dot / ((Math.sqrt(normA) || 1) * (Math.sqrt(normB) || 1));
}
