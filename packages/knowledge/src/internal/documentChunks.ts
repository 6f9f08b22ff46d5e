/**
 * How a document is cut into the chunks the indexes hold, and what the
 * embedder reads of each chunk.
 *
 * @module
 */
import { type Chunk, type ChunkOptions, chunkMarkdownSteps } from "../chunking/chunkMarkdown.js";
import { runSteps, type Steps } from "../chunking/steps.js";
import type { KnowledgeDocument } from "../DocumentStore.js";

/** A chunk as the indexes keep it: the document it belongs to, where it sits, and its text. */
export interface ChunkRecord {
  readonly documentId: string;
  readonly headingPath: readonly string[];
  readonly startLine: number;
  readonly text: string;
}

/** How many chunks go to the embedder in one call. */
export const EMBED_BATCH = 64;

/** The chunks of a document's body (its title alone when the body is empty). */
export function cutDocument(document: KnowledgeDocument, chunking: ChunkOptions): Chunk[] {
  return runSteps(cutDocumentSteps(document, chunking));
}

/** {@link cutDocument} in steps (see `chunkMarkdownSteps`): the same chunks, with pauses possible inside a long body. */
export function* cutDocumentSteps(document: KnowledgeDocument, chunking: ChunkOptions): Steps<Chunk[]> {
  const chunks: Chunk[] =
    document.body.trim() === "" ? [] : yield* chunkMarkdownSteps(document.body, chunking);
  if (chunks.length === 0)
    chunks.push({ index: 0, text: document.title, headingPath: [], startLine: 1, tokens: 0 });
  return chunks;
}

/** What the embedder reads of a chunk: the title and heading path, then the text. */
export function embeddingText(title: string, record: ChunkRecord): string {
  return `${[title, ...record.headingPath].join(" / ")}\n${record.text}`;
}
