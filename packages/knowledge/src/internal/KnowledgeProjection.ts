/**
 * The documents and chunk indexes of a knowledge base, folded from the log
 * after the caches that let a process skip most of the fold, and saved back
 * to those caches at checkpoints and on close.
 *
 * @module
 */
import { type EventLog, NotFoundError, type Projection, startProjection } from "@software-factory/core";
import type { z } from "zod";
import { DocumentStore, type KnowledgeDocument } from "../DocumentStore.js";
import { knowledgeEvents } from "../events.js";
import type { SearchOptionsSchema, SearchResult } from "../search/searchOptions.js";
import type { ChunkIndex } from "./ChunkIndex.js";
import { logStampAt } from "./logStamp.js";
import { loadMarkdownParser } from "./markdownParser.js";

/** Where a {@link KnowledgeProjection} folds from and keeps its caches. */
export interface KnowledgeProjectionOptions {
  readonly log: EventLog;
  /** Folder of the caches; without one, every process folds the whole log. */
  readonly dir: string | undefined;
  /** Whether the caches are saved to `dir` (else only read from it). */
  readonly saveCaches: boolean;
  /** The chunk indexes kept current with the documents. */
  readonly index: ChunkIndex;
  /** Events folded between two saves of the caches. */
  readonly checkpointEvery: number;
}

/**
 * The documents and indexes folded from the log, loaded on the first
 * {@link KnowledgeProjection.sync}. After {@link KnowledgeProjection.close},
 * `sync` and {@link KnowledgeProjection.assertOpen} throw `ClosedError`.
 */
export class KnowledgeProjection {
  readonly #log: EventLog;
  readonly #dir: string | undefined;
  readonly #writeCaches: boolean;
  readonly #index: ChunkIndex;
  readonly #checkpointEvery: number;
  #documents = new DocumentStore();
  /** Documents whose chunks must be re-indexed. */
  readonly #dirty = new Set<string>();
  /** The re-indexing pass in progress (it yields to the event loop, so others may call meanwhile). */
  #reindexing: Promise<void> | undefined;
  /** The save of the caches in progress (it yields too; no re-indexing starts meanwhile). */
  #saving: Promise<void> | undefined;
  #projection: Projection | undefined;
  /** Loading the caches and folding the log, once started. */
  #loading: Promise<void> | undefined;
  #sinceCheckpoint = 0;
  /** Whether memory holds more than the caches on disk (then closing saves them). */
  #unsaved = true;
  #closed = false;

  constructor(options: KnowledgeProjectionOptions) {
    this.#log = options.log;
    this.#dir = options.dir;
    this.#writeCaches = options.saveCaches;
    this.#index = options.index;
    this.#checkpointEvery = options.checkpointEvery;
  }

  /** Log position the documents reflect (0 until the first {@link KnowledgeProjection.sync}). */
  get position(): number {
    return this.#projection?.position ?? 0;
  }

  /** The documents as of the last {@link KnowledgeProjection.sync}. */
  get documents(): DocumentStore {
    return this.#documents;
  }

  /**
   * Folds new events from the log (any process) and brings the indexes up to
   * date, loading the caches first on the first call; returns the position.
   * When `signal` aborts while new chunks are embedded, it stops waiting for
   * them and rejects with the signal's reason (see `ChunkIndex.embedPending`):
   * the documents are folded whole, and the chunks not embedded yet wait for
   * the next sync.
   *
   * @throws ClosedError after {@link KnowledgeProjection.close}.
   */
  async sync(signal?: AbortSignal): Promise<number> {
    this.assertOpen();
    await this.#load();
    const position = await (this.#projection as Projection).catchUp();
    await this.#reindexDirty();
    await this.#index.embedPending(this.#documents, signal);
    if (this.#sinceCheckpoint >= this.#checkpointEvery) await this.#saveCaches();
    return position;
  }

  /**
   * The document with this id, as of the last sync.
   *
   * @throws NotFoundError when no document has this id.
   */
  require(id: string): KnowledgeDocument {
    const document = this.#documents.get(id);
    if (document === undefined) {
      throw new NotFoundError({ message: `no document with id "${id}"`, entity: "document", id });
    }
    return document;
  }

  /** Searches the chunks of the documents as of the last sync (see `ChunkIndex.search`). */
  search(text: string, options: z.output<typeof SearchOptionsSchema>): Promise<SearchResult> {
    return this.#index.search(this.#documents, text, options);
  }

  /** @throws ClosedError after {@link KnowledgeProjection.close}. */
  assertOpen(): void {
    if (this.#closed)
      throw this.#log.closedError("the knowledge base is closed; open it again to read or write");
  }

  /** Saves the caches (when they changed since they were loaded or saved) and stops following the log. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const loaded = await this.#loading?.then(
      () => true,
      () => false,
    );
    if (!loaded) return;
    while (this.#reindexing !== undefined) await this.#reindexing.catch(() => undefined);
    await this.#index.idle();
    await this.#projection?.close();
    while (this.#saving !== undefined) await this.#saving;
    if (this.#unsaved) await this.#saveCaches();
  }

  /**
   * Re-indexes the documents changed since the last pass, one pass at a time:
   * a call made while a pass runs waits for it and then indexes what is still
   * dirty, so it never reads the indexes half re-cut. A failed pass fails
   * the call that ran it and leaves its documents dirty for the next pass.
   */
  async #reindexDirty(): Promise<void> {
    while (this.#reindexing !== undefined || this.#saving !== undefined) {
      await (this.#reindexing ?? this.#saving)?.catch(() => undefined);
    }
    if (this.#dirty.size === 0) return;
    const ids = [...this.#dirty];
    this.#dirty.clear();
    this.#reindexing = (async () => {
      // Only a document still there is cut into chunks: a pass of retractions needs no parser (~0.4 s CPU to load).
      const cut = (id: string) => {
        const document = this.#documents.get(id);
        return document !== undefined && document.retracted === undefined;
      };
      if (ids.some(cut)) await loadMarkdownParser();
      await this.#index.reindex(this.#documents, ids);
    })()
      .catch((error: unknown) => {
        for (const id of ids) this.#dirty.add(id);
        throw error;
      })
      .finally(() => {
        this.#reindexing = undefined;
      });
    await this.#reindexing;
  }

  /** Loads the caches and starts folding the log after them, once; a failed attempt is retried by the next call. */
  #load(): Promise<void> {
    this.#loading ??= (async () => {
      const after = await this.#loadCaches();
      this.#projection = await startProjection(this.#log, {
        after,
        types: knowledgeEvents.map((definition) => definition.type),
        apply: (event) => {
          const changed = this.#documents.apply(event);
          if (changed !== undefined) this.#dirty.add(changed);
          this.#sinceCheckpoint += 1;
          this.#unsaved = true;
        },
      });
    })().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  /** Loads the caches when there are any and they were taken from this log; returns the position they reflect. */
  async #loadCaches(): Promise<number> {
    if (this.#dir === undefined) return 0;
    const { documents, position, vectorsFresh } = await this.#index.load(this.#dir, this.#log);
    this.#documents = documents;
    if (vectorsFresh) this.#unsaved = false;
    return position;
  }

  /**
   * Writes the caches, stamped with the position and the id of the event
   * there, when the indexes are complete and nothing was folded while the
   * stamp was read (the next checkpoint or the close saves then). When the
   * log cannot be read (closed before the knowledge base), the caches on
   * disk stay as they are: older, and still true of the log. Caches that
   * cannot be written (the folder is not writable, the disk is full) never
   * fail a sync or a close: the next open folds the log after the caches it
   * finds, or the whole log. Caches that must not be saved (`saveCaches`
   * false) never are.
   */
  async #saveCaches(): Promise<void> {
    this.#sinceCheckpoint = 0;
    if (this.#dir === undefined || !this.#writeCaches) return;
    const position = this.position;
    const stamp = await logStampAt(this.#log, position).catch(() => undefined);
    if (stamp === undefined || position !== this.position) return;
    if (!this.#index.complete || this.#dirty.size > 0 || this.#reindexing !== undefined) return;
    if (this.#saving !== undefined) return;
    this.#saving = this.#index.save(this.#dir, this.#documents, stamp).then(
      () => {
        // Events folded meanwhile are not in these caches: the next checkpoint or the close saves them.
        if (this.position === position) this.#unsaved = false;
      },
      () => {
        // Only a slower next open: the caches it reads are stamped, so a half-written set is rebuilt, not trusted.
      },
    );
    try {
      await this.#saving;
    } finally {
      this.#saving = undefined;
    }
  }
}
