/**
 * The caches of the chunk indexes on disk: a snapshot of the documents, the
 * chunks and the lexical index, and the vector index beside it, each stamped
 * with the log position they reflect so a process can skip rebuilding them.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { type EventLog, hashJson, makeFolders } from "@software-factory/core";
import type { ChunkOptions } from "../chunking/chunkMarkdown.js";
import { DocumentStore, type DocumentStoreSnapshot, type KnowledgeDocument } from "../DocumentStore.js";
import { isRunning } from "../search/indexGenerations.js";
import { LexicalIndex } from "../search/LexicalIndex.js";
import type { Embedder } from "../search/types.js";
import { VectorIndex, type VectorIndexOptions } from "../search/VectorIndex.js";
import type { ChunkRecord } from "./documentChunks.js";
import { framesOf, replaceFileWithFrames } from "./durableFiles.js";
import { isStampOf, type LogStamp } from "./logStamp.js";

/**
 * What a save writes, taken at one log position: copies of the documents and
 * their chunks, the lexical index's image, and the vector index (which must
 * get no adds or removals until the save ends).
 */
export interface ChunkCaches {
  readonly documents: DocumentStoreSnapshot;
  readonly chunks: readonly (readonly [string, ChunkRecord])[];
  /** The lexical index's image (see `LexicalIndex.serialize`). */
  readonly lexical: Uint8Array;
  readonly vector: VectorIndex;
}

/** The caches read back, the vector graphs not yet: they are read when first needed. */
export interface LoadedChunkCaches {
  readonly documents: DocumentStore;
  /** The chunks by id, for the reader to keep. */
  readonly chunks: Map<string, ChunkRecord>;
  readonly lexical: LexicalIndex;
  /** The log position the caches reflect. */
  readonly position: number;
  /**
   * Reads the vector graphs saved beside the snapshot (tens of MB for tens of
   * thousands of documents, so a process that never searches by vector never
   * reads them); `undefined` when they are missing, damaged, or do not reflect
   * the snapshot's position (a save by another process replaced them since the
   * snapshot was read): every chunk must be embedded again.
   */
  readonly vector: () => VectorIndex | undefined;
}

/** What the caches depend on besides the log: the chunking and the embedder behind the vectors. */
export interface ChunkCacheSettings {
  readonly embedder: Embedder;
  readonly chunking: ChunkOptions;
  readonly vectorIndex: VectorIndexOptions;
}

/** The first frame of a snapshot file: what the rest depends on. */
interface SnapshotHeader {
  readonly version: typeof SNAPSHOT_VERSION;
  /** The log position the caches reflect, and the id of the event there. */
  readonly stamp: LogStamp;
  readonly chunkingKey: string;
}

/**
 * The frames between the header and the last, which is the lexical index's
 * image as it is: documents and chunks in batches, then the capture keys
 * with the documents' changes besides revisions.
 */
type SnapshotFrame =
  | { readonly documents: readonly KnowledgeDocument[] }
  | { readonly chunks: readonly (readonly [string, ChunkRecord])[] }
  | { readonly keys: DocumentStoreSnapshot["keys"]; readonly changes: DocumentStoreSnapshot["changes"] };

/**
 * Bump when a snapshot holds something else, so older ones are rebuilt from
 * the log (2: stamped with the event id; 3: with the capture keys; 4: in
 * frames, written in steps; 5: terms of NFKC text, Chinese, Japanese,
 * Korean and Thai runs as character pairs; 6: each revision's tags and
 * lines, and each document's other changes, for readings as of an instant).
 */
const SNAPSHOT_VERSION = 6;
const SNAPSHOT_FILE = "knowledge.snapshot";
const VECTOR_FILE = "knowledge.hnsw";
/** The temporary file a save writes the snapshot to before renaming it, named after the saving process. */
const TEMPORARY_SNAPSHOT = /^knowledge\.snapshot\.(\d+)\.tmp$/;

/** Characters of document bodies or chunk texts in one frame: a few milliseconds to serialize. */
const FRAME_CHARS = 256 * 1024;

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
  const frames = framesOf(readFileSync(path));
  const header = deserialize(frames.next().value ?? new Uint8Array()) as SnapshotHeader | undefined;
  if (header?.version !== SNAPSHOT_VERSION || header.chunkingKey !== chunkingKey(settings.chunking)) {
    return undefined;
  }
  if (!(await isStampOf(log, header.stamp))) return undefined;
  const rest = [...frames];
  const image = rest.pop();
  if (image === undefined) throw new RangeError(`${path} ends before its lexical index`);
  const documents: KnowledgeDocument[] = [];
  const chunks = new Map<string, ChunkRecord>();
  let keys: DocumentStoreSnapshot["keys"] = [];
  let changes: DocumentStoreSnapshot["changes"] = [];
  for (const frame of rest) {
    const part = deserialize(frame) as SnapshotFrame;
    if ("documents" in part) documents.push(...part.documents);
    else if ("chunks" in part) for (const [id, record] of part.chunks) chunks.set(id, record);
    else ({ keys, changes } = part);
  }
  const lexical = LexicalIndex.deserialize(image);
  return {
    documents: new DocumentStore({ documents, keys, changes }),
    chunks,
    lexical,
    vector: () => readVectorCache(dir, header.stamp, settings),
    position: header.stamp.position,
  };
}

/** The vector graphs saved in `dir` when they reflect `stamp`; `undefined` otherwise. */
function readVectorCache(
  dir: string,
  stamp: LogStamp,
  settings: ChunkCacheSettings,
): VectorIndex | undefined {
  const vector = VectorIndex.load(join(dir, VECTOR_FILE), settings.embedder, settings.vectorIndex);
  const vectorStamp = (vector?.meta as { stamp?: Partial<LogStamp> } | null | undefined)?.stamp;
  const fresh = vectorStamp?.position === stamp.position && vectorStamp.eventId === stamp.eventId;
  return fresh ? vector?.index : undefined;
}

/**
 * Writes the caches to `dir`, stamped with the log position they reflect and
 * the id of the event there: the snapshot to a temporary file, then the
 * vector index (committed by its manifest), then the snapshot is flushed and
 * renamed. A crash while the snapshot is written leaves both caches as they
 * were; one in the moment between the two commits (older vector files
 * removed, the snapshot flushed) leaves vectors stamped later than the
 * snapshot, which {@link readChunkCaches} treats as stale. Then removes what
 * killed saves left: files of vector generations never committed, and
 * temporary snapshots of processes no longer running.
 *
 * The work is done in steps of a few milliseconds, and the writes off the
 * calling thread, so the event loop turns meanwhile. The caches are copies
 * taken beforehand, so the documents and the chunk index may change
 * meanwhile; only the vector index must get no adds or removals until it
 * resolves.
 */
export async function writeChunkCaches(
  dir: string,
  caches: ChunkCaches,
  stamp: LogStamp,
  settings: Pick<ChunkCacheSettings, "chunking">,
): Promise<void> {
  makeFolders(dir);
  const header: SnapshotHeader = {
    version: SNAPSHOT_VERSION,
    stamp,
    chunkingKey: chunkingKey(settings.chunking),
  };
  const path = join(dir, SNAPSHOT_FILE);
  await replaceFileWithFrames(path, `${path}.${process.pid}.tmp`, snapshotFrames(header, caches), () =>
    caches.vector.saveInSteps(join(dir, VECTOR_FILE), { stamp }),
  );
  removeAbandonedSnapshots(dir);
}

/** Removes the temporary snapshots in `dir` of processes no longer running: a save that was killed leaves its own. */
function removeAbandonedSnapshots(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = TEMPORARY_SNAPSHOT.exec(entry);
    if (owner !== null && !isRunning(Number(owner[1]))) rmSync(join(dir, entry), { force: true });
  }
}

/** The frames of a snapshot, each serialized when it is to be written. */
function* snapshotFrames(header: SnapshotHeader, caches: ChunkCaches): Generator<Uint8Array> {
  const { documents } = caches;
  yield serialize(header);
  const bodies = (document: KnowledgeDocument) =>
    document.revisions.reduce((characters, revision) => characters + revision.body.length, 0);
  for (const batch of batches(documents.documents, bodies)) {
    yield serialize({ documents: batch } satisfies SnapshotFrame);
  }
  for (const batch of batches(caches.chunks, ([, record]) => record.text.length)) {
    yield serialize({ chunks: batch } satisfies SnapshotFrame);
  }
  yield serialize({ keys: documents.keys, changes: documents.changes } satisfies SnapshotFrame);
  yield caches.lexical;
}

/** Items in runs of about {@link FRAME_CHARS} characters (and at most 2,000 items). */
function* batches<T>(items: readonly T[], charactersOf: (item: T) => number): Generator<T[]> {
  let batch: T[] = [];
  let characters = 0;
  for (const item of items) {
    batch.push(item);
    characters += charactersOf(item);
    if (characters >= FRAME_CHARS || batch.length >= 2_000) {
      yield batch;
      batch = [];
      characters = 0;
    }
  }
  if (batch.length > 0) yield batch;
}

/** What a snapshot's chunks depend on: the chunking options and the tokenizer. */
function chunkingKey(chunking: ChunkOptions): string {
  return hashJson({ chunking, tokenizer: "tokenize-v1" });
}
