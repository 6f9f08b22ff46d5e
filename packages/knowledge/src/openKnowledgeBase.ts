/**
 * Opening a knowledge base over a factory's log, and its options.
 *
 * @module
 */
import type { EventLog, KnownLines } from "@software-factory/core";
import type { ChunkOptions } from "./chunking/chunkMarkdown.js";
import { KnowledgeBase } from "./KnowledgeBase.js";
import type { FusionOptions } from "./search/fuse.js";
import type { Embedder } from "./search/types.js";
import type { VectorIndexOptions } from "./search/VectorIndex.js";

/** Options of {@link openKnowledgeBase}. */
export interface OpenKnowledgeBaseOptions {
  /** The factory's log; the knowledge event types are registered on it. */
  readonly log: EventLog;
  /**
   * Folder for the index caches, in memory only when omitted. They are stamped
   * with the log position they reflect and the id of the event there, and
   * used only over a log that holds that event at that position (caches of
   * another store, or of a log deleted since, are rebuilt from this log).
   */
  readonly dir?: string;
  /** Embedder of the vector index; defaults to the local hashing embedder. */
  readonly embedder?: Embedder;
  /** Chunk sizes for indexing, checked when the knowledge base opens (see `chunkMarkdown`). */
  readonly chunking?: ChunkOptions;
  /** Settings of the vector index (graph size, threads that build it). */
  readonly vectorIndex?: VectorIndexOptions;
  /**
   * How lexical and vector hits combine. Default: weighted reciprocal rank
   * fusion for semantic embedders; for surface-form ones, vector hits only
   * extend the lexical list (they never reorder it).
   */
  readonly fusion?: FusionOptions & {
    /**
     * `rrf` merges both lists by weighted reciprocal rank, `extend` appends
     * the vector hits the lexical list missed (when similar enough) after it, `lexical` leaves vector hits out of
     * hybrid searches.
     */
    readonly mode?: "rrf" | "extend" | "lexical";
  };
  /**
   * Which lines exist: a document (or revision) linked to a line it does not
   * know is refused with a `NotFoundError` before anything is written. A
   * factory passes its floor plan; without it every line id is accepted.
   */
  readonly lines?: KnownLines;
  /**
   * Events folded between two checkpoints, saves of the caches that a running
   * process starts in the background (default 1,000). `close()` saves them
   * when the events folded after their position number one in 20 of the
   * documents, at most this many; fewer are left for the next open to fold.
   */
  readonly checkpointEvery?: number;
  /**
   * Whether the caches in `dir` are saved, at checkpoints and on close
   * (default `true`). `false` reads them and never writes to `dir`: for a
   * factory opened read-only, whose folder must stay as it is.
   */
  readonly saveCaches?: boolean;
  /**
   * When the caches are loaded and the log folded: `"open"` (default) before
   * {@link openKnowledgeBase} resolves, or `"first-use"` on the first call that
   * reads or writes, so a process that never touches knowledge (a command about
   * ownership, an MCP server answering its tool list) does not pay for it.
   * Either way every call sees the log up to the moment it is made.
   */
  readonly load?: "open" | "first-use";
}

/**
 * Opens the knowledge base of a log: loads its caches from `dir` when present,
 * folds the events after them, and follows the log from then on.
 *
 * @throws ValidationError naming the option and the value
 * (`chunking.maxTokens: must be at least 16 tokens, got 5`, `fusion.k: must be
 * 0 or more, got -1`) when an option is bad, or one it does not have
 * (`vectorIndex.efsearch`); every option is checked before anything is read or written.
 * @example
 * ```ts
 * const log = await openEventLog({ path: ".factory/factory.db" });
 * const kb = await openKnowledgeBase({ log, dir: ".factory/knowledge" });
 * await kb.capture({ kind: "note", title: "Retries", body: "...", source: { system: "cli" } });
 * const { hits } = await kb.search("payment retries", { lines: ["checkout"] });
 * ```
 */
export async function openKnowledgeBase(options: OpenKnowledgeBaseOptions): Promise<KnowledgeBase> {
  const knowledgeBase = new KnowledgeBase(options);
  await knowledgeBase.start(options.load);
  return knowledgeBase;
}
