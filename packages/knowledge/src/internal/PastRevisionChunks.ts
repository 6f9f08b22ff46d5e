/**
 * The chunks of revisions the indexes do not hold, for `asOf` searches: which
 * documents a search must score on an older revision, and those revisions'
 * chunks, cut and embedded at query time and kept for the next search.
 *
 * @module
 */

import { abortable } from "@software-factory/core";
import type { ChunkOptions } from "../chunking/chunkMarkdown.js";
import type { DocumentStore, KnowledgeDocument, Revision } from "../DocumentStore.js";
import { uncheckedRevisionInForce, withRevision } from "../documentAt.js";
import type { LexicalIndex, TermCounts } from "../search/LexicalIndex.js";
import type { Embedder } from "../search/types.js";
import { type ChunkRecord, cutDocument, EMBED_BATCH, embeddingText } from "./documentChunks.js";
import { loadMarkdownParser } from "./markdownParser.js";

/**
 * A chunk of a revision the indexes do not hold (they hold each document's
 * latest): one that an `asOf` search finds in force at its instant. It is
 * scored at query time, and its vector is kept once embedded.
 */
export interface PastChunk extends ChunkRecord {
  readonly id: string;
  /** Title of the revision. */
  readonly title: string;
  /** Its terms as the lexical index counts them (title and headings twice). */
  readonly terms: TermCounts;
  vector?: Float32Array;
}

/** Revisions whose chunks (and vectors) `asOf` searches keep for the next search; the oldest go first. */
const PAST_REVISIONS_KEPT = 10_000;

/**
 * The documents whose indexed chunks an `asOf` search must not score: those
 * whose revision in force at `asOf` (the last one recorded by then, else the
 * first) is not the latest, with that revision, or that were retracted since
 * (their chunks left the indexes).
 */
export function pastRevisions(documents: DocumentStore, asOf: string): Map<string, Revision> {
  const past = new Map<string, Revision>();
  for (const document of documents.all()) {
    if (document.revisions.length < 2 && document.retracted === undefined) continue;
    const revision = uncheckedRevisionInForce(document, asOf);
    if (revision !== document.revisions.at(-1) || document.retracted !== undefined) {
      past.set(document.id, revision);
    }
  }
  return past;
}

/** The chunks of past revisions, cut and embedded on demand, the latest {@link PAST_REVISIONS_KEPT} revisions' kept. */
export class PastRevisionChunks {
  /** Chunks of past revisions by `documentId@revision`, in the order they were cut. */
  readonly #cut = new Map<string, PastChunk[]>();

  constructor(private readonly settings: { readonly embedder: Embedder; readonly chunking: ChunkOptions }) {}

  /**
   * The chunks of past revisions (`documentId` → revision), cut now or kept
   * from an earlier search, with their terms as `lexical` counts them.
   */
  async cut(
    documents: DocumentStore,
    past: ReadonlyMap<string, Revision>,
    lexical: LexicalIndex,
  ): Promise<PastChunk[]> {
    if (past.size === 0) return [];
    await loadMarkdownParser();
    const chunks: PastChunk[] = [];
    for (const [id, revision] of past) {
      const key = `${id}@${revision.revision}`;
      let cut = this.#cut.get(key);
      if (cut === undefined) {
        const document = withRevision(documents.get(id) as KnowledgeDocument, revision);
        cut = cutDocument(document, this.settings.chunking).map((chunk) => ({
          id: `${key}#${chunk.index}`,
          documentId: id,
          headingPath: chunk.headingPath,
          startLine: chunk.startLine,
          text: chunk.text,
          title: document.title,
          terms: lexical.terms(chunk.text, [document.title, ...chunk.headingPath].join(" ")),
        }));
        this.#cut.set(key, cut);
        if (this.#cut.size > PAST_REVISIONS_KEPT) {
          this.#cut.delete(this.#cut.keys().next().value as string);
        }
      }
      chunks.push(...cut);
    }
    return chunks;
  }

  /**
   * Embeds the past chunks that have no vector yet, in batches; when `signal`
   * aborts, rejects with its reason (the batches embedded keep their vectors).
   */
  async embed(chunks: readonly PastChunk[], signal?: AbortSignal): Promise<void> {
    const missing = chunks.filter((chunk) => chunk.vector === undefined);
    for (let start = 0; start < missing.length; start += EMBED_BATCH) {
      const batch = missing.slice(start, start + EMBED_BATCH);
      const texts = batch.map((chunk) => embeddingText(chunk.title, chunk));
      const vectors = await abortable(this.settings.embedder.embed(texts, { signal }), signal);
      for (const [index, chunk] of batch.entries()) chunk.vector = vectors[index] as Float32Array;
    }
  }
}
