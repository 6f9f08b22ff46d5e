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
export type { KnowledgeDocument, Move, Revision } from "./DocumentStore.js";
export { decisionMarkdown } from "./decisionMarkdown.js";
export { isInForce, revisionAt } from "./documentAt.js";
export { EmbedderService } from "./EmbedderService.js";
export { createHashingEmbedder, type HashingEmbedderOptions } from "./embedders/hashingEmbedder.js";
export {
  createOpenAiEmbedder,
  type OpenAiEmbedderOptions,
  OpenAiEmbedderOptionsSchema,
} from "./embedders/openAiEmbedder.js";
export {
  createTransformersEmbedder,
  type TransformersEmbedder,
  type TransformersEmbedderOptions,
  TransformersEmbedderOptionsSchema,
} from "./embedders/transformersEmbedder.js";
export { DocumentRetractedError, EmbedderError } from "./errors.js";
export {
  DocumentCaptured,
  DocumentLinked,
  DocumentMoved,
  DocumentRetracted,
  DocumentRevised,
  DocumentSuperseded,
  DocumentUnlinked,
  knowledgeEvents,
} from "./events.js";
export {
  type DecisionRecordFormat,
  decisionStatusOf,
  MISSING_CONTEXT,
  MISSING_DECISION,
  type ParsedDecisionRecord,
  parseDecisionRecord,
} from "./importers/decisionRecord.js";
export { folderPathSourceSystem, folderSourceSystem } from "./importers/folderSource.js";
export type { FormerCopy } from "./importers/formerCopies.js";
export {
  type FilePosition,
  FrontMatterError,
  type FrontMatterFile,
  FrontMatterInstantSchema,
  FrontMatterListSchema,
  frontMatterFields,
  frontMatterList,
  parseFrontMatter,
} from "./importers/frontMatter.js";
export { type UnreadFrontMatterKey, unreadFrontMatterKeys } from "./importers/frontMatterKeys.js";
export {
  type ImportMarkdownFolderOptions,
  type ImportMarkdownFolderReport,
  importMarkdownFolder,
} from "./importers/importMarkdownFolder.js";
export {
  type ImportRecordsOptions,
  ImportRecordsOptionsSchema,
  importRecords,
  type RecordMapping,
  RecordMappingSchema,
} from "./importers/importRecords.js";
export { markdownFiles } from "./importers/markdownFolderFiles.js";
export {
  listItems,
  type MarkdownSection,
  markdownSections,
  sectionNamed,
} from "./importers/markdownSections.js";
export {
  type MovedFiles,
  type MoveRenamedFilesOptions,
  moveRenamedFiles,
  type RenameText,
} from "./importers/moveRenamedFiles.js";
export type { ImportProblem, ImportProgress, ImportReport } from "./importers/progress.js";
export { type RecordsOfJson, recordsOfJson } from "./importers/recordsAt.js";
export { RENAME_SIMILARITY, type RenamedFile } from "./importers/renamedFiles.js";
export {
  parseTranscript,
  type Transcript,
  type TranscriptPart,
  type TranscriptWarning,
  type Turn,
  transcriptDocument,
  transcriptMarkdown,
  transcriptParts,
} from "./importers/transcripts.js";
export type { IncomingLink } from "./incomingLinks.js";
export {
  type CaptureOrReviseOptions,
  type CaptureOrReviseResult,
  KnowledgeBase,
  type ListKnowledgeOptions,
  type MoveOptions,
  type RetractOptions,
  type WriteOptions,
} from "./KnowledgeBase.js";
export {
  KnowledgeBaseService,
  type KnowledgeBaseShape,
  type KnowledgeError,
  makeKnowledgeBaseShape,
} from "./KnowledgeBaseService.js";
export { type OpenKnowledgeBaseOptions, openKnowledgeBase } from "./openKnowledgeBase.js";
export {
  type CaptureInput,
  CaptureInputSchema,
  checkDecisionTextTotal,
  DECISION_LIST_MAX,
  DECISION_OPTION_LIMITS,
  DECISION_TEXT_MAX,
  type Decision,
  DecisionOptionsSchema,
  DecisionSchema,
  type DecisionStatus,
  DecisionStatusSchema,
  type DecisionText,
  type DocumentKind,
  DocumentKindSchema,
  decisionOptionInputShape,
  decisionTextSchema,
  InstantSchema,
  type Link,
  LinkSchema,
  type RecordDecisionInput,
  RecordDecisionInputSchema,
  type ReviseInput,
  ReviseInputSchema,
  type Source,
  type SourcedCaptureInput,
  SourcedCaptureInputSchema,
  SourceSchema,
  TagSchema,
} from "./schemas.js";
export { EXTEND_MIN_SIMILARITY, extendRanking, type FusionOptions, fuseRankings } from "./search/fuse.js";
export { type Highlight, highlightTerms, snippet } from "./search/highlight.js";
export { LexicalIndex, type LexicalIndexOptions, type TermCounts } from "./search/LexicalIndex.js";
export {
  documentFilter,
  type SearchHit,
  type SearchOptions,
  SearchOptionsSchema,
  type SearchResult,
} from "./search/searchOptions.js";
export { type TokenizeOptions, tokenize } from "./search/tokenize.js";
export type { Embedder, EmbedOptions, FusedHit, IndexSearchOptions, ScoredId } from "./search/types.js";
export { VectorIndex, type VectorIndexOptions } from "./search/VectorIndex.js";
export { countTokens } from "./tokens.js";
