/**
 * The caches of the chunk indexes on disk: a snapshot of the documents, the
 * chunks and the lexical index, and the vector index beside it, each stamped
 * with the log position they reflect so a process can skip rebuilding them.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { type EventLog, hashJson } from "@software-factory/core";
import type { ChunkOptions } from "../chunking/chunkMarkdown.js";
import { DocumentStore, type DocumentStoreSnapshot } from "../DocumentStore.js";
import { LexicalIndex } from "../search/LexicalIndex.js";
import type { Embedder } from "../search/types.js";
import { VectorIndex, type VectorIndexOptions } from "../search/VectorIndex.js";
import type { ChunkRecord } from "./documentChunks.js";
import { replaceFileDurably } from "./durableFiles.js";
import { isStampOf, type LogStamp } from "./logStamp.js";

/** What the caches hold: the documents, their chunks and the indexes over them. */
export interface ChunkCaches {
  readonly documents: DocumentStore;
  readonly chunks: ReadonlyMap<string, ChunkRecord>;
  readonly lexical: LexicalIndex;
  readonly vector: VectorIndex;
}

/** The caches read back: the vector index only when it reflects the same position as the snapshot. */
export interface LoadedChunkCaches extends Omit<ChunkCaches, "chunks" | "vector"> {
  /** The chunks by id, for the reader to keep. */
  readonly chunks: Map<string, ChunkRecord>;
  /** The log position the caches reflect. */
  readonly position: number;
  /** `undefined` when the vectors are missing or stale: every chunk must be embedded again. */
  readonly vector: VectorIndex | undefined;
}

/** What the caches depend on besides the log: the chunking and the embedder behind the vectors. */
export interface ChunkCacheSettings {
  readonly embedder: Embedder;
  readonly chunking: ChunkOptions;
  readonly vectorIndex: VectorIndexOptions;
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

/**
 * Reads the caches of `dir` when they exist, were cut with the same chunking,
 * and were taken from `log` (it holds the event they are stamped with at their
 * position); `undefined` otherwise.
 *
 * @throws whatever reading or decoding a damaged cache file throws.
 */
export async function readChunkCaches(
  dir: string,
  log: EventLog,
  settings: ChunkCacheSettings,
): Promise<LoadedChunkCaches | undefined> {
  const path = join(dir, SNAPSHOT_FILE);
  if (!existsSync(path)) return undefined;
  const snapshot = deserialize(readFileSync(path)) as Snapshot;
  if (snapshot.version !== SNAPSHOT_VERSION || snapshot.chunkingKey !== chunkingKey(settings.chunking)) {
    return undefined;
  }
  if (!(await isStampOf(log, snapshot.stamp))) return undefined;
  const vector = VectorIndex.load(join(dir, VECTOR_FILE), settings.embedder, settings.vectorIndex);
  const documents = new DocumentStore(snapshot.documents);
  const lexical = LexicalIndex.deserialize(snapshot.lexical);
  const chunks = new Map(snapshot.chunks);
  const vectorStamp = (vector?.meta as { stamp?: Partial<LogStamp> } | null | undefined)?.stamp;
  const vectorsFresh =
    vector !== undefined &&
    vectorStamp?.position === snapshot.stamp.position &&
    vectorStamp.eventId === snapshot.stamp.eventId;
  return {
    documents,
    chunks,
    lexical,
    vector: vectorsFresh ? vector.index : undefined,
    position: snapshot.stamp.position,
  };
}

/**
 * Writes the caches to `dir`, stamped with the log position they reflect and
 * the id of the event there: the vector index first (committed by its
 * manifest), then the snapshot (through a temporary file, flushed, and a
 * rename). A crash between the two leaves vectors stamped later than the
 * snapshot, which {@link readChunkCaches} treats as stale.
 */
export function writeChunkCaches(
  dir: string,
  caches: ChunkCaches,
  stamp: LogStamp,
  settings: Pick<ChunkCacheSettings, "chunking">,
): void {
  mkdirSync(dir, { recursive: true });
  const snapshot: Snapshot = {
    version: SNAPSHOT_VERSION,
    stamp,
    chunkingKey: chunkingKey(settings.chunking),
    documents: caches.documents.snapshot(),
    chunks: [...caches.chunks],
    lexical: caches.lexical.serialize(),
  };
  caches.vector.save(join(dir, VECTOR_FILE), { stamp });
  const path = join(dir, SNAPSHOT_FILE);
  replaceFileDurably(path, `${path}.${process.pid}.tmp`, serialize(snapshot));
}

/** What a snapshot's chunks depend on: the chunking options and the tokenizer. */
function chunkingKey(chunking: ChunkOptions): string {
  return hashJson({ chunking, tokenizer: "tokenize-v1" });
}
