/**
 * The search side of the knowledge base: documents cut into chunks, the
 * lexical and vector indexes over them, the embedding of new chunks, the
 * fusion of both rankings, and the caches that let a process skip rebuilding
 * them.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { type EventLog, hashJson } from "@software-factory/core";
import type { z } from "zod";
import { type Chunk, type ChunkOptions, chunkMarkdown } from "../chunking/chunkMarkdown.js";
import {
  DocumentStore,
  type DocumentStoreSnapshot,
  type KnowledgeDocument,
  type Revision,
  revisionAt,
  withRevision,
} from "../DocumentStore.js";
import { extendRanking, type FusionOptions, fuseRankings } from "../search/fuse.js";
import { snippet } from "../search/highlight.js";
import { LexicalIndex, type TermCounts } from "../search/LexicalIndex.js";
import {
  documentFilter,
  type SearchHit,
  type SearchOptionsSchema,
  type SearchResult,
} from "../search/searchOptions.js";
import type { Embedder, FusedHit, ScoredId } from "../search/types.js";
import { VectorIndex, type VectorIndexOptions } from "../search/VectorIndex.js";
import { countTokens } from "../tokens.js";
import { isStampOf, type LogStamp } from "./logStamp.js";
import { loadMarkdownParser } from "./markdownParser.js";

/** How lexical and vector hits combine (see `OpenKnowledgeBaseOptions.fusion`). */
export type FusionSettings = FusionOptions & { readonly mode: "rrf" | "extend" | "lexical" };

/** Settings of a {@link ChunkIndex}. */
export interface ChunkIndexSettings {
  readonly embedder: Embedder;
  readonly chunking: ChunkOptions;
  readonly vectorIndex: VectorIndexOptions;
  readonly fusion: FusionSettings;
}

interface ChunkRecord {
  readonly documentId: string;
  readonly headingPath: readonly string[];
  readonly startLine: number;
  readonly text: string;
}

/**
 * A chunk of a revision the indexes do not hold (they hold each document's
 * latest): one that an `asOf` search finds in force at its instant. It is
 * scored at query time, and its vector is kept once embedded.
 */
interface PastChunk extends ChunkRecord {
  readonly id: string;
  /** Title of the revision. */
  readonly title: string;
  /** Its terms as the lexical index counts them (title and headings twice). */
  readonly terms: TermCounts;
  vector?: Float32Array;
}

interface Snapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  /** The log position the caches reflect, and the id of the event there. */
  readonly stamp: LogStamp;
  readonly chunkingKey: string;
  readonly documents: DocumentStoreSnapshot;
  readonly chunks: [string, ChunkRecord][];
  readonly lexical: Uint8Array;
}

/**
 * Bump when a snapshot holds something else, so older ones are rebuilt from
 * the log (2: stamped with the event id; 3: with the capture keys).
 */
const SNAPSHOT_VERSION = 3;
const SNAPSHOT_FILE = "knowledge.snapshot";
const VECTOR_FILE = "knowledge.hnsw";
const EMBED_BATCH = 64;
/** Revisions whose chunks (and vectors) `asOf` searches keep for the next search; the oldest go first. */
const PAST_REVISIONS_KEPT = 10_000;
/** Up to this many chunks kept by a filter, vector search compares with each instead of walking the graph. */
const SELECTIVE_FILTER_CHUNKS = 2000;

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
  #embedding: Promise<void> | undefined;
  /** Chunks of past revisions by `documentId@revision`, in the order they were cut. */
  readonly #pastChunks = new Map<string, PastChunk[]>();

  constructor(private readonly settings: ChunkIndexSettings) {
    this.#vector = new VectorIndex(settings.embedder, settings.vectorIndex);
  }

  /** Whether every chunk has its vector (the caches are complete). */
  get complete(): boolean {
    return this.#unembedded.size === 0;
  }

  /** Cuts the documents again (after they changed) and indexes their chunks lexically; their vectors wait for {@link ChunkIndex.embedPending}. */
  reindex(documents: DocumentStore, ids: Iterable<string>): void {
    for (const id of ids) {
      const document = documents.get(id);
      const previous = this.#chunksOf.get(id) ?? 0;
      for (let index = 0; index < previous; index += 1) {
        const chunkId = `${id}#${index}`;
        this.#lexical.remove(chunkId);
        this.#vector.remove(chunkId);
        this.#chunks.delete(chunkId);
        this.#unembedded.delete(chunkId);
      }
      this.#chunksOf.delete(id);
      if (document === undefined || document.retracted !== undefined) continue;
      const chunks = this.#cut(document);
      for (const chunk of chunks) {
        const chunkId = `${id}#${chunk.index}`;
        const heading = [document.title, ...chunk.headingPath].join(" ");
        this.#lexical.add(chunkId, chunk.text, heading);
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
  }

  /** Embeds the chunks waiting for their vectors, one pass at a time. */
  async embedPending(documents: DocumentStore): Promise<void> {
    while (this.#embedding !== undefined) await this.#embedding;
    if (this.#unembedded.size === 0) return;
    this.#embedding = this.#embedAll(documents, [...this.#unembedded]).finally(() => {
      this.#embedding = undefined;
    });
    await this.#embedding;
  }

  /** Waits for the embedding pass in progress, if any. */
  async idle(): Promise<void> {
    await this.#embedding;
  }

  /**
   * Searches the chunks: BM25 fused with the vector index, filtered,
   * collapsed to one hit per document, paged, and cut to a token budget.
   *
   * With `asOf`, a document whose revision in force then is not the one
   * indexed (revised since, or retracted since) is scored and snipped on the
   * chunks of that revision, cut and embedded at query time; its lexical
   * score uses the index's current statistics.
   */
  async search(
    documents: DocumentStore,
    text: string,
    options: z.output<typeof SearchOptionsSchema>,
  ): Promise<SearchResult> {
    const keepDocument = documentFilter(options);
    const past =
      options.asOf === undefined
        ? new Map<string, Revision>()
        : pastRevisions(documents, options.asOf, keepDocument);
    const keepIndexed =
      past.size === 0
        ? keepDocument
        : (document: KnowledgeDocument) => !past.has(document.id) && keepDocument(document);
    const filter = (chunkId: string): boolean => {
      const record = this.#chunks.get(chunkId);
      const document = record === undefined ? undefined : documents.get(record.documentId);
      return document !== undefined && keepIndexed(document);
    };
    const pastChunks = await this.#cutPast(documents, past);
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
        const [queryVector] = await this.settings.embedder.embed([text]);
        const kept = this.#selectiveChunks(documents, options, keepIndexed);
        const indexed =
          kept === undefined
            ? this.#vector.search(queryVector as Float32Array, { limit: candidates, filter })
            : this.#vector.searchAmong(queryVector as Float32Array, kept, candidates);
        await this.#embedPast(pastChunks);
        const fromPast = pastChunks.map((chunk) => ({
          id: chunk.id,
          score: cosine(queryVector as Float32Array, chunk.vector as Float32Array),
        }));
        vector = mergeByScore(indexed, fromPast, candidates);
      } catch (error) {
        warning = `vector search unavailable (${(error as Error).message}); results are lexical only`;
      }
    }
    if (this.#embedError !== undefined) warning = `vector index is behind: ${this.#embedError}`;
    const fused = this.#fuse(lexical, vector, options.mode);
    const ranked = options.collapse ? collapse(fused, (id) => recordOf(id)?.documentId ?? id) : fused;
    const page = ranked.slice(options.offset, wanted);
    const hits: SearchHit[] = [];
    let tokens = 0;
    for (const hit of page) {
      const record = recordOf(hit.id) as ChunkRecord;
      const current = documents.get(record.documentId) as KnowledgeDocument;
      const revision = past.get(record.documentId);
      const {
        body: _body,
        revisions: _revisions,
        ...document
      } = revision === undefined ? current : withRevision(current, revision);
      const excerpt = snippet(record.text, text);
      const cost = countTokens(excerpt) + countTokens(document.title) + 8;
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

  /** The chunks of past revisions (`documentId` → revision), cut now or kept from an earlier search. */
  async #cutPast(documents: DocumentStore, past: ReadonlyMap<string, Revision>): Promise<PastChunk[]> {
    if (past.size === 0) return [];
    await loadMarkdownParser();
    const chunks: PastChunk[] = [];
    for (const [id, revision] of past) {
      const key = `${id}@${revision.revision}`;
      let cut = this.#pastChunks.get(key);
      if (cut === undefined) {
        const document = withRevision(documents.get(id) as KnowledgeDocument, revision);
        cut = this.#cut(document).map((chunk) => ({
          id: `${key}#${chunk.index}`,
          documentId: id,
          headingPath: chunk.headingPath,
          startLine: chunk.startLine,
          text: chunk.text,
          title: document.title,
          terms: this.#lexical.terms(chunk.text, [document.title, ...chunk.headingPath].join(" ")),
        }));
        this.#pastChunks.set(key, cut);
        if (this.#pastChunks.size > PAST_REVISIONS_KEPT) {
          this.#pastChunks.delete(this.#pastChunks.keys().next().value as string);
        }
      }
      chunks.push(...cut);
    }
    return chunks;
  }

  /** Embeds the past chunks that have no vector yet, in batches. */
  async #embedPast(chunks: readonly PastChunk[]): Promise<void> {
    const missing = chunks.filter((chunk) => chunk.vector === undefined);
    for (let start = 0; start < missing.length; start += EMBED_BATCH) {
      const batch = missing.slice(start, start + EMBED_BATCH);
      const vectors = await this.settings.embedder.embed(
        batch.map((chunk) => embeddingText(chunk.title, chunk)),
      );
      for (const [index, chunk] of batch.entries()) chunk.vector = vectors[index] as Float32Array;
    }
  }

  /** The chunks of a document's body (its title alone when the body is empty). */
  #cut(document: KnowledgeDocument): Chunk[] {
    const chunks: Chunk[] =
      document.body.trim() === "" ? [] : chunkMarkdown(document.body, this.settings.chunking);
    if (chunks.length === 0)
      chunks.push({ index: 0, text: document.title, headingPath: [], startLine: 1, tokens: 0 });
    return chunks;
  }

  /**
   * Loads the caches of `dir` when they exist, were taken from `log` (it holds
   * the event they are stamped with at their position) and agree with each
   * other: the documents they hold, and the position they reflect (0 and no
   * documents when there are none, they cannot be read, or they come from
   * another log). Whether the vectors were fresh too is `vectorsFresh` (else
   * every chunk waits to be embedded again).
   */
  async load(
    dir: string,
    log: EventLog,
  ): Promise<{ documents: DocumentStore; position: number; vectorsFresh: boolean }> {
    const none = { documents: new DocumentStore(), position: 0, vectorsFresh: false };
    const path = join(dir, SNAPSHOT_FILE);
    if (!existsSync(path)) return none;
    try {
      const snapshot = deserialize(readFileSync(path)) as Snapshot;
      if (snapshot.version !== SNAPSHOT_VERSION || snapshot.chunkingKey !== this.#chunkingKey()) return none;
      if (!(await isStampOf(log, snapshot.stamp))) return none;
      const vector = VectorIndex.load(
        join(dir, VECTOR_FILE),
        this.settings.embedder,
        this.settings.vectorIndex,
      );
      const documents = new DocumentStore(snapshot.documents);
      this.#lexical = LexicalIndex.deserialize(snapshot.lexical);
      this.#chunks = new Map(snapshot.chunks);
      this.#chunksOf = new Map();
      for (const record of this.#chunks.values()) {
        this.#chunksOf.set(record.documentId, (this.#chunksOf.get(record.documentId) ?? 0) + 1);
      }
      const vectorStamp = (vector?.meta as { stamp?: Partial<LogStamp> } | null | undefined)?.stamp;
      const vectorsFresh =
        vector !== undefined &&
        vectorStamp?.position === snapshot.stamp.position &&
        vectorStamp.eventId === snapshot.stamp.eventId;
      if (vectorsFresh) this.#vector = vector.index;
      else for (const id of this.#chunks.keys()) this.#unembedded.add(id);
      return { documents, position: snapshot.stamp.position, vectorsFresh };
    } catch {
      this.#lexical = new LexicalIndex();
      this.#chunks = new Map();
      this.#chunksOf = new Map();
      this.#unembedded.clear();
      return none;
    }
  }

  /**
   * Writes the caches to `dir` (each through a temporary file and a rename),
   * stamped with the log position they reflect and the id of the event there.
   */
  save(dir: string, documents: DocumentStore, stamp: LogStamp): void {
    mkdirSync(dir, { recursive: true });
    const snapshot: Snapshot = {
      version: SNAPSHOT_VERSION,
      stamp,
      chunkingKey: this.#chunkingKey(),
      documents: documents.snapshot(),
      chunks: [...this.#chunks],
      lexical: this.#lexical.serialize(),
    };
    this.#vector.save(join(dir, VECTOR_FILE), { stamp });
    const path = join(dir, SNAPSHOT_FILE);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, serialize(snapshot));
    renameSync(temporary, path);
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

  #fuse(
    lexical: readonly ScoredId[],
    vector: readonly ScoredId[],
    mode: "hybrid" | "lexical" | "vector",
  ): FusedHit[] {
    if (mode === "vector") return vector.map((hit, index) => ({ ...hit, vectorRank: index + 1 }));
    const lexicalHits = lexical.map((hit, index) => ({ ...hit, lexicalRank: index + 1 }));
    if (mode === "lexical" || vector.length === 0) return lexicalHits;
    if (this.settings.fusion.mode === "rrf") return fuseRankings(lexical, vector, this.settings.fusion);
    return extendRanking(lexical, vector);
  }

  /**
   * Embeds chunks and streams their vectors into the vector index (which builds
   * a large empty index in worker threads while the next batches embed).
   */
  async #embedAll(documents: DocumentStore, pending: readonly string[]): Promise<void> {
    try {
      await this.#vector.addAll(this.#embedded(documents, pending));
      this.#embedError = undefined;
    } catch (error) {
      this.#embedError = (error as Error).message;
    }
    for (const id of pending) if (this.#vector.has(id) || !this.#chunks.has(id)) this.#unembedded.delete(id);
  }

  /** The vectors of the chunks still indexed, embedded in batches. */
  async *#embedded(
    documents: DocumentStore,
    pending: readonly string[],
  ): AsyncGenerator<readonly [string, Float32Array]> {
    for (let start = 0; start < pending.length; start += EMBED_BATCH) {
      const batch = pending.slice(start, start + EMBED_BATCH).filter((id) => this.#chunks.has(id));
      const texts = batch.map((id) => {
        const record = this.#chunks.get(id) as ChunkRecord;
        const document = documents.get(record.documentId) as KnowledgeDocument;
        return embeddingText(document.title, record);
      });
      const vectors = await this.settings.embedder.embed(texts);
      for (const [index, id] of batch.entries()) yield [id, vectors[index] as Float32Array] as const;
    }
  }

  #chunkingKey(): string {
    return hashJson({ chunking: this.settings.chunking, tokenizer: "tokenize-v1" });
  }
}

/** Keeps the best hit of each document, in order. */
function collapse(hits: readonly FusedHit[], documentOf: (chunkId: string) => string): FusedHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const document = documentOf(hit.id);
    if (seen.has(document)) return false;
    seen.add(document);
    return true;
  });
}

/** What the embedder reads of a chunk: the title and heading path, then the text. */
function embeddingText(title: string, record: ChunkRecord): string {
  return `${[title, ...record.headingPath].join(" / ")}\n${record.text}`;
}

/**
 * The documents an `asOf` search must score on another revision than the
 * indexed one: those it keeps whose revision in force at `asOf` (the last one
 * recorded by then, else the first) is not the latest, or that were retracted
 * since (their chunks left the indexes).
 */
function pastRevisions(
  documents: DocumentStore,
  asOf: string,
  keep: (document: KnowledgeDocument) => boolean,
): Map<string, Revision> {
  const past = new Map<string, Revision>();
  for (const document of documents.all()) {
    if (document.revisions.length < 2 && document.retracted === undefined) continue;
    if (!keep(document)) continue;
    const revision = revisionAt(document, asOf) ?? (document.revisions[0] as Revision);
    if (revision !== document.revisions.at(-1) || document.retracted !== undefined) {
      past.set(document.id, revision);
    }
  }
  return past;
}

/** Two rankings on one scale merged, best first, cut to `limit`. */
function mergeByScore(ranked: ScoredId[], more: readonly ScoredId[], limit: number): ScoredId[] {
  if (more.length === 0) return ranked;
  return [...ranked, ...more].sort((a, b) => b.score - a.score).slice(0, limit);
}

/** Cosine similarity of two vectors of one dimension. */
function cosine(a: Float32Array, b: Float32Array): number {
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
