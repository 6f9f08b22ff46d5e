/**
 * The search side of the knowledge base: the chunks of the documents, the
 * lexical and vector indexes over them, the embedding of new chunks, and the
 * search that ranks them (past revisions' chunks for `asOf` searches are in
 * `PastRevisionChunks`, the caches on disk in `chunkCaches`).
 *
 * @module
 */
import type { Clock, EventLog } from "@software-factory/core";
import { abortable } from "@software-factory/core";
import type { z } from "zod";
import type { Chunk, ChunkOptions } from "../chunking/chunkMarkdown.js";
import { DocumentStore, type KnowledgeDocument, type Revision } from "../DocumentStore.js";
import { uncheckedSnippet } from "../search/highlight.js";
import { LexicalIndex, type TermCounts } from "../search/LexicalIndex.js";
import {
  documentFilter,
  type SearchHit,
  type SearchOptionsSchema,
  type SearchResult,
} from "../search/searchOptions.js";
import type { Embedder, ScoredId } from "../search/types.js";
import { VectorIndex, type VectorIndexOptions } from "../search/VectorIndex.js";
import { uncheckedCountTokens } from "../tokens.js";
import { readChunkCaches, writeChunkCaches } from "./chunkCaches.js";
import { collapse, cosine, type FusionSettings, fuseHits, mergeByScore } from "./combineRankings.js";
import { type ChunkRecord, cutDocumentSteps, EMBED_BATCH, embeddingText } from "./documentChunks.js";
import type { LogStamp } from "./logStamp.js";
import { type PastChunk, PastRevisionChunks, pastRevisions } from "./PastRevisionChunks.js";
import { turnOfEventLoop } from "./turnOfEventLoop.js";

/** Settings of a {@link ChunkIndex}. */
export interface ChunkIndexSettings {
  readonly embedder: Embedder;
  readonly chunking: ChunkOptions;
  readonly vectorIndex: VectorIndexOptions;
  readonly fusion: FusionSettings;
  /** What "now" is for the `current` filter: the log's clock. */
  readonly clock: Clock;
}

/** A chunk cut for indexing, with its terms (and its heading's, twice) counted for the lexical index. */
interface PreparedChunk {
  readonly chunk: Chunk;
  readonly terms: TermCounts;
}

/** An embedding pass of the chunks waiting for their vectors, and the callers waiting for it. */
interface EmbeddingPass {
  /** Settles when the pass has ended (it never rejects). */
  readonly done: Promise<void>;
  /** Aborts the pass once every caller waiting for it has stopped waiting. */
  readonly controller: AbortController;
  /** Callers waiting for it. */
  waiting: number;
}

/** Up to this many chunks kept by a filter, vector search compares with each instead of walking the graph. */
const SELECTIVE_FILTER_CHUNKS = 2000;

/**
 * Characters of markdown {@link ChunkIndex.reindex} cuts and indexes between
 * two turns of the event loop: about 10 ms of work on a laptop core.
 */
const REINDEX_SLICE_CHARS = 4096;

/** The chunks of the documents, indexed lexically and by vector. */
export class ChunkIndex {
  #lexical = new LexicalIndex();
  #vector: VectorIndex;
  #chunks = new Map<string, ChunkRecord>();
  #chunksOf = new Map<string, number>();
  /** Chunks waiting for their vectors. */
  readonly #unembedded = new Set<string>();
  #embedError: string | undefined;
  /** The embedding pass in progress. */
  #embedding: EmbeddingPass | undefined;
  readonly #past: PastRevisionChunks;
  /** Reads the vector graphs of the caches loaded, until they are first needed (see {@link ChunkIndex.loadVectors}). */
  #savedVectors: (() => VectorIndex | undefined) | undefined;
  /** Chunks replaced or removed while the saved graphs were unread, or held by a save: taken out of them after. */
  readonly #removedLater = new Set<string>();
  /** Whether a save is writing the vector graphs: they get no adds or removals meanwhile. */
  #vectorsHeld = false;
  #vectorsRebuilt = false;

  constructor(private readonly settings: ChunkIndexSettings) {
    this.#vector = new VectorIndex(settings.embedder, settings.vectorIndex);
    this.#past = new PastRevisionChunks(settings);
  }

  /** Number of chunks waiting for their vectors. */
  get waiting(): number {
    return this.#unembedded.size;
  }

  /** Whether every chunk has its vector and no embedding pass runs (the caches are complete). */
  get complete(): boolean {
    return this.#savedVectors === undefined && this.#unembedded.size === 0 && this.#embedding === undefined;
  }

  /**
   * Whether the vectors of the caches loaded were missing or out of date, so
   * every chunk was embedded again: work the next open should not repeat.
   */
  get vectorsRebuilt(): boolean {
    return this.#vectorsRebuilt;
  }

  /**
   * Cuts the documents again (after they changed) and indexes their chunks
   * lexically; their vectors wait for {@link ChunkIndex.embedPending}. Each
   * document is swapped whole (its old chunks out, its new ones in, with no
   * turn of the event loop between), and after every
   * `REINDEX_SLICE_CHARS` characters of work (markdown cut, chunks indexed)
   * the event loop gets a turn, inside a long document's cutting too, so a
   * large catch-up or one large document does not hold other requests for
   * seconds. The caller must not search or reindex again until this
   * resolves.
   */
  async reindex(documents: DocumentStore, ids: readonly string[]): Promise<void> {
    let sliced = 0;
    const work = async (characters: number): Promise<void> => {
      sliced += characters;
      if (sliced < REINDEX_SLICE_CHARS) return;
      await turnOfEventLoop();
      sliced = 0;
    };
    for (const id of ids) {
      const document = documents.get(id);
      const prepared: PreparedChunk[] = [];
      if (document !== undefined && document.retracted === undefined) {
        let chunks: readonly Chunk[] = [];
        const steps = cutDocumentSteps(document, this.settings.chunking);
        for (let step = steps.next(); ; step = steps.next()) {
          if (step.done === true) {
            chunks = step.value;
            break;
          }
          await work(step.value);
        }
        for (const chunk of chunks) {
          const heading = [document.title, ...chunk.headingPath].join(" ");
          prepared.push({ chunk, terms: this.#lexical.terms(chunk.text, heading) });
          await work(chunk.text.length);
        }
      }
      this.#replaceChunks(id, prepared);
    }
  }

  /** Replaces the chunks indexed for a document, their terms counted (none: it is gone from search). */
  #replaceChunks(id: string, chunks: readonly PreparedChunk[]): void {
    const previous = Array.from({ length: this.#chunksOf.get(id) ?? 0 }, (_, index) => `${id}#${index}`);
    this.#lexical.removeAll(previous);
    if (this.#savedVectors === undefined && !this.#vectorsHeld) this.#vector.removeAll(previous);
    else for (const chunkId of previous) this.#removedLater.add(chunkId);
    for (const chunkId of previous) {
      this.#chunks.delete(chunkId);
      this.#unembedded.delete(chunkId);
    }
    this.#chunksOf.delete(id);
    if (chunks.length === 0) return;
    for (const { chunk, terms } of chunks) {
      const chunkId = `${id}#${chunk.index}`;
      this.#lexical.addTerms(chunkId, terms);
      this.#chunks.set(chunkId, {
        documentId: id,
        headingPath: chunk.headingPath,
        startLine: chunk.startLine,
        text: chunk.text,
      });
      this.#unembedded.add(chunkId);
    }
    this.#chunksOf.set(id, chunks.length);
  }

  /**
   * Reads the vector graphs of the caches loaded, when they were not read yet
   * (their chunks replaced since are taken out of them; when they are missing
   * or out of date, every chunk waits to be embedded again), then embeds the
   * chunks waiting for their vectors (see {@link ChunkIndex.embedPending}).
   * A vector search, and a save of the caches, call it first.
   */
  async loadVectors(documents: DocumentStore, signal?: AbortSignal): Promise<void> {
    const read = this.#savedVectors;
    if (read !== undefined) {
      this.#savedVectors = undefined;
      const vector = read();
      if (vector === undefined) {
        this.#vectorsRebuilt = true;
        for (const id of this.#chunks.keys()) this.#unembedded.add(id);
      } else {
        vector.removeAll(this.#removedLater);
        this.#vector = vector;
      }
      this.#removedLater.clear();
    }
    await this.embedPending(documents, signal);
  }

  /**
   * Embeds the chunks waiting for their vectors, one pass at a time: a call
   * made while a pass runs waits for it, then embeds what is still waiting.
   * While the vector graphs of the caches loaded are not read yet (see
   * {@link ChunkIndex.loadVectors}), the chunks wait: a process that only
   * searches lexically, lists or writes neither reads the graphs nor embeds.
   * While a save writes the graphs ({@link ChunkIndex.save}), they wait too, for a call after it:
   * vector searches meanwhile walk the graphs as saved, without the chunks re-cut since.
   *
   * When `signal` aborts, the call stops waiting and rejects with its reason
   * at once. The pass goes on for the other callers waiting for it; once
   * none is left (each aborted), it is aborted too: the embedder gets the
   * abort on its `signal`, the vectors it already returned are kept and the
   * other chunks wait for the next pass. A cancelled pass is not an embedder
   * failure: it sets no "vector index is behind" warning.
   */
  async embedPending(documents: DocumentStore, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    while (this.#embedding !== undefined) await this.#waitFor(this.#embedding, signal);
    if (this.#unembedded.size === 0 || this.#savedVectors !== undefined || this.#vectorsHeld) return;
    const controller = new AbortController();
    const pass: EmbeddingPass = {
      done: this.#embedAll(documents, [...this.#unembedded], controller.signal).finally(() => {
        if (this.#embedding === pass) this.#embedding = undefined;
      }),
      controller,
      waiting: 0,
    };
    this.#embedding = pass;
    await this.#waitFor(pass, signal);
  }

  /** Waits for `pass` as one of its callers; the last caller to stop waiting because `signal` aborted aborts it. */
  async #waitFor(pass: EmbeddingPass, signal: AbortSignal | undefined): Promise<void> {
    pass.waiting += 1;
    try {
      await abortable(pass.done, signal);
    } finally {
      pass.waiting -= 1;
      if (pass.waiting === 0 && signal?.aborted === true) pass.controller.abort(signal.reason);
    }
  }

  /** Waits for the embedding pass, the rebuild of vector graphs and the lexical compaction in progress, if any. */
  async idle(): Promise<void> {
    await this.#embedding?.done;
    await this.#vector.idle();
    await this.#lexical.idle();
  }

  /**
   * Searches the chunks: BM25 fused with the vector index, filtered,
   * collapsed to one hit per document, paged, and cut to a token budget.
   *
   * With `asOf`, the filters apply to each document as it read then, each
   * hit's document is as it was then (its revision, links and address), and
   * a document whose revision in force then is not the one indexed (revised
   * since, or retracted since) is scored and snipped on the chunks of that
   * revision, cut and embedded at query time; its lexical score uses the
   * index's current statistics.
   */
  async search(
    documents: DocumentStore,
    text: string,
    options: z.output<typeof SearchOptionsSchema>,
  ): Promise<SearchResult> {
    const { signal } = options;
    const keepDocument = documentFilter(options, this.settings.clock);
    // With asOf, the filters read each document as it was then (documentFilter does), and a document revised
    // or retracted since is scored on the chunks of its revision then, never on its indexed ones.
    const past =
      options.asOf === undefined ? new Map<string, Revision>() : pastRevisions(documents, options.asOf);
    const keepIndexed =
      past.size === 0
        ? keepDocument
        : (document: KnowledgeDocument) => !past.has(document.id) && keepDocument(document);
    const filter = (chunkId: string): boolean => {
      const record = this.#chunks.get(chunkId);
      const document = record === undefined ? undefined : documents.get(record.documentId);
      return document !== undefined && keepIndexed(document);
    };
    const keptPast = new Map(
      [...past].filter(([id]) => keepDocument(documents.get(id) as KnowledgeDocument)),
    );
    const pastChunks = await this.#past.cut(documents, keptPast, this.#lexical);
    const pastRecords = new Map(pastChunks.map((chunk) => [chunk.id, chunk]));
    const recordOf = (chunkId: string): ChunkRecord | undefined =>
      pastRecords.get(chunkId) ?? this.#chunks.get(chunkId);
    const wanted = options.offset + options.limit;
    const candidates = Math.max(100, wanted * (options.collapse ? 4 : 1));
    let warning: string | undefined;
    const lexical: ScoredId[] =
      options.mode === "vector"
        ? []
        : mergeByScore(
            this.#lexical.search(text, { limit: candidates, filter }),
            this.#lexical
              .score(
                text,
                pastChunks.map((chunk) => chunk.terms),
              )
              .map((score, index) => ({ id: (pastChunks[index] as PastChunk).id, score }))
              .filter((hit) => hit.score > 0),
            candidates,
          );
    let vector: ScoredId[] = [];
    const useVector =
      options.mode === "vector" || (options.mode === "hybrid" && this.settings.fusion.mode !== "lexical");
    if (useVector) {
      try {
        await this.loadVectors(documents, signal);
        const [queryVector] = await abortable(this.settings.embedder.embed([text], { signal }), signal);
        const kept = this.#selectiveChunks(documents, options, keepIndexed);
        const indexed =
          kept === undefined
            ? this.#vector.search(queryVector as Float32Array, { limit: candidates, filter })
            : this.#vector.searchAmong(queryVector as Float32Array, kept, candidates);
        await this.#past.embed(pastChunks, signal);
        const fromPast = pastChunks.map((chunk) => ({
          id: chunk.id,
          score: cosine(queryVector as Float32Array, chunk.vector as Float32Array),
        }));
        vector = mergeByScore(indexed, fromPast, candidates);
      } catch (error) {
        // Cancelled by the caller: no answer, rather than a lexical one with a warning.
        if (signal?.aborted === true) throw signal.reason;
        warning = `vector search unavailable (${(error as Error).message}); results are lexical only`;
      }
    }
    if (this.#embedError !== undefined) warning = `vector index is behind: ${this.#embedError}`;
    const fused = fuseHits(lexical, vector, options.mode, this.settings.fusion);
    const ranked = options.collapse ? collapse(fused, (id) => recordOf(id)?.documentId ?? id) : fused;
    const page = ranked.slice(options.offset, wanted);
    const hits: SearchHit[] = [];
    let tokens = 0;
    for (const hit of page) {
      const record = recordOf(hit.id) as ChunkRecord;
      const current = documents.get(record.documentId) as KnowledgeDocument;
      const {
        body: _body,
        revisions: _revisions,
        ...document
      } = options.asOf === undefined ? current : documents.inForceAt(current, options.asOf);
      const excerpt = uncheckedSnippet(record.text, text, { highlight: options.highlight });
      const cost = uncheckedCountTokens(excerpt) + uncheckedCountTokens(document.title) + 8;
      if (options.budgetTokens !== undefined && tokens + cost > options.budgetTokens) continue;
      tokens += cost;
      hits.push({
        document,
        chunk: { id: hit.id, headingPath: record.headingPath, startLine: record.startLine },
        score: hit.score,
        snippet: excerpt,
        tokens: cost,
        ...(hit.lexicalRank === undefined ? {} : { lexicalRank: hit.lexicalRank }),
        ...(hit.vectorRank === undefined ? {} : { vectorRank: hit.vectorRank }),
      });
    }
    return {
      hits,
      tokens,
      ...(ranked.length > wanted ? { nextOffset: wanted } : {}),
      ...(warning === undefined ? {} : { warning }),
    };
  }

  /**
   * Loads the caches of `dir` when they exist, were taken from `log` (it holds
   * the event they are stamped with at their position) and agree with each
   * other: the documents they hold, and the position they reflect (0 and no
   * documents when there are none, they cannot be read, or they come from
   * another log). The vector graphs are read when first needed (see
   * {@link ChunkIndex.loadVectors}).
   */
  async load(dir: string, log: EventLog): Promise<{ documents: DocumentStore; position: number }> {
    const none = { documents: new DocumentStore(), position: 0 };
    try {
      const caches = await readChunkCaches(dir, log, this.settings);
      if (caches === undefined) return none;
      this.#lexical = caches.lexical;
      this.#chunks = caches.chunks;
      this.#chunksOf = new Map();
      for (const record of this.#chunks.values()) {
        this.#chunksOf.set(record.documentId, (this.#chunksOf.get(record.documentId) ?? 0) + 1);
      }
      this.#savedVectors = caches.vector;
      return { documents: caches.documents, position: caches.position };
    } catch {
      this.#lexical = new LexicalIndex();
      this.#chunks = new Map();
      this.#chunksOf = new Map();
      this.#unembedded.clear();
      return none;
    }
  }

  /**
   * Readies the indexes for {@link ChunkIndex.save}: reads the vector graphs and embeds what waits
   * ({@link ChunkIndex.loadVectors}), compacts the lexical index; `false` when the embedder failed.
   */
  async prepareSave(documents: DocumentStore): Promise<boolean> {
    await this.loadVectors(documents);
    await this.#lexical.compact();
    return this.#unembedded.size === 0 || this.#embedError === undefined;
  }

  /**
   * Writes the caches to `dir` (see `writeChunkCaches`: a crash midway leaves
   * caches that load as they were or are rebuilt), stamped with what `stamp`
   * resolves to (none: nothing is written), in steps with turns of the event
   * loop between; resolves to whether they were written. The caches are
   * taken when it is called, before it yields (the indexes must then be
   * {@link ChunkIndex.complete} and reflect `documents`): the documents,
   * copies of the chunks and the lexical image. Re-indexing may go on
   * meanwhile; the vector graphs being written are held (chunks re-cut
   * wait for their vectors, replaced ones leave the graphs, once it ends).
   */
  async save(
    dir: string,
    documents: DocumentStore,
    stamp: () => Promise<LogStamp | undefined>,
  ): Promise<boolean> {
    const caches = {
      documents: documents.snapshot(),
      chunks: [...this.#chunks],
      lexical: this.#lexical.serialize(),
      vector: this.#vector,
    };
    this.#vectorsHeld = true;
    try {
      const at = await stamp();
      if (at === undefined) return false;
      await writeChunkCaches(dir, caches, at, this.settings);
      this.#vectorsRebuilt = false;
      return true;
    } finally {
      this.#vectorsHeld = false;
      this.#vector.removeAll(this.#removedLater);
      this.#removedLater.clear();
    }
  }

  /**
   * The chunks a metadata filter keeps, when it keeps few of them (then exact
   * vector search over them beats walking the graph); `undefined` otherwise.
   */
  #selectiveChunks(
    documents: DocumentStore,
    options: z.output<typeof SearchOptionsSchema>,
    keep: (document: KnowledgeDocument) => boolean,
  ): string[] | undefined {
    const filtered = [options.kinds, options.lines, options.tags, options.authors].some(
      (value) => value !== undefined,
    );
    if (!filtered) return undefined;
    const chunks: string[] = [];
    for (const document of documents.all()) {
      if (!keep(document)) continue;
      const count = this.#chunksOf.get(document.id) ?? 0;
      for (let index = 0; index < count; index += 1) chunks.push(`${document.id}#${index}`);
      if (chunks.length > SELECTIVE_FILTER_CHUNKS) return undefined;
    }
    return chunks;
  }

  /**
   * Embeds chunks and streams their vectors into the vector index (which builds
   * a large empty index in worker threads while the next batches embed).
   */
  async #embedAll(documents: DocumentStore, pending: readonly string[], signal: AbortSignal): Promise<void> {
    try {
      await this.#vector.addAll(this.#embedded(documents, pending, signal));
      this.#embedError = undefined;
    } catch (error) {
      if (!signal.aborted) this.#embedError = (error as Error).message;
    }
    for (const id of pending) if (this.#vector.has(id) || !this.#chunks.has(id)) this.#unembedded.delete(id);
  }

  /** The vectors of the chunks still indexed, embedded in batches. */
  async *#embedded(
    documents: DocumentStore,
    pending: readonly string[],
    signal: AbortSignal,
  ): AsyncGenerator<readonly [string, Float32Array]> {
    for (let start = 0; start < pending.length; start += EMBED_BATCH) {
      const batch = pending.slice(start, start + EMBED_BATCH).filter((id) => this.#chunks.has(id));
      const texts = batch.map((id) => {
        const record = this.#chunks.get(id) as ChunkRecord;
        const document = documents.get(record.documentId) as KnowledgeDocument;
        return embeddingText(document.title, record);
      });
      const vectors = await abortable(this.settings.embedder.embed(texts, { signal }), signal);
      for (const [index, id] of batch.entries()) yield [id, vectors[index] as Float32Array] as const;
      // An embedder that computes in this thread resolves at once: let the event loop take a turn.
      await turnOfEventLoop();
    }
  }
}
