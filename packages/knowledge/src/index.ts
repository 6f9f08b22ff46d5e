/**
 * The Knowledge Base of the Software Factory SDK: documents with provenance and
 * time, decisions, markdown chunking, and hybrid search (BM25 with dynamic
 * pruning fused with an HNSW vector index), plus importers.
 *
 * Any new export added here becomes public API. Use named exports, not wildcards.
 *
 * @packageDocumentation
 */

export { type Chunk, type ChunkOptions, chunkMarkdown } from "./chunking/chunkMarkdown.js";
export { isInForce, type KnowledgeDocument, type Revision, revisionAt } from "./DocumentStore.js";
export { createHashingEmbedder, type HashingEmbedderOptions } from "./embedders/hashingEmbedder.js";
export {
  DocumentCaptured,
  DocumentLinked,
  DocumentRetracted,
  DocumentRevised,
  DocumentSuperseded,
  DocumentUnlinked,
  knowledgeEvents,
} from "./events.js";
export {
  decisionMarkdown,
  KnowledgeBase,
  type OpenKnowledgeBaseOptions,
  openKnowledgeBase,
  type SearchHit,
  type SearchOptions,
  SearchOptionsSchema,
  type SearchResult,
  type WriteOptions,
} from "./KnowledgeBase.js";
export {
  type CaptureInput,
  CaptureInputSchema,
  type Decision,
  DecisionSchema,
  type DecisionStatus,
  type DocumentKind,
  DocumentKindSchema,
  type Link,
  LinkSchema,
  type RecordDecisionInput,
  type ReviseInput,
  type Source,
  SourceSchema,
} from "./schemas.js";
export { type FusionOptions, fuseRankings } from "./search/fuse.js";
export { type Highlight, highlightTerms, snippet } from "./search/highlight.js";
export { LexicalIndex, type LexicalIndexOptions } from "./search/LexicalIndex.js";
export { type TokenizeOptions, tokenize } from "./search/tokenize.js";
export type { Embedder, FusedHit, IndexSearchOptions, ScoredId } from "./search/types.js";
export { VectorIndex, type VectorIndexOptions } from "./search/VectorIndex.js";
export { countTokens } from "./tokens.js";
