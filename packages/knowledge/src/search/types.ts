/**
 * The contracts between the knowledge base and its search engine: embedders,
 * the lexical and vector indexes, and their fused results.
 *
 * @module
 */

/** Turns texts into vectors of a fixed dimension. A port: local, OpenAI-compatible, transformers.js. */
export interface Embedder {
  /** Stable identity of the model and its settings; an index built by one embedder refuses another. */
  readonly id: string;
  /** Length of every vector this embedder returns. */
  readonly dimension: number;
  /**
   * Whether the vectors carry meaning (a trained model). `false` for surface-form
   * embedders such as the hashing one: their hits extend lexical results instead
   * of being fused with them, so they never push a good lexical hit down.
   */
  readonly semantic: boolean;
  /**
   * Embeds texts in order; one vector per text.
   *
   * `options.signal` aborts when the caller no longer wants the vectors (a
   * search cancelled by its caller, an interrupted fiber, a cancelled MCP
   * request): an embedder that heeds it stops its work (an HTTP embedder
   * closes its request) and rejects with `signal.reason`, as `fetch` does.
   * Heeding it is optional: an embedder written before it existed, which
   * takes `texts` only, still works, and the knowledge base stops waiting
   * for it all the same.
   */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}

/** Options of {@link Embedder.embed}. */
export interface EmbedOptions {
  /** Aborts when the caller no longer wants the vectors; the embedder then rejects with its `reason`. */
  readonly signal?: AbortSignal | undefined;
}

/** One hit of an index: the id of an indexed chunk and its score (higher is better). */
export interface ScoredId {
  /** Id of the chunk as it was added to the index. */
  readonly id: string;
  /** Score in the index's own scale (BM25, cosine similarity, fused score). */
  readonly score: number;
}

/** Options of a search in one index. */
export interface IndexSearchOptions {
  /** How many hits to return at most. */
  readonly limit: number;
  /** Keeps only ids for which this returns true (filters by kind, line, tag, time...). */
  readonly filter?: (id: string) => boolean;
}

/** A hit of a hybrid search, with where it ranked in each list that found it. */
export interface FusedHit extends ScoredId {
  /** 1-based rank in the lexical list, when it was there. */
  readonly lexicalRank?: number;
  /** 1-based rank in the vector list, when it was there. */
  readonly vectorRank?: number;
}
