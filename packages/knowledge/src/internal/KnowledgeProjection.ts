/**
 * The documents and chunk indexes of a knowledge base, folded from the log
 * after the caches that let a process skip most of the fold, and saved back
 * to those caches at checkpoints and on close when the fold they spare is
 * worth the save (see {@link KnowledgeProjection.close}).
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
import { turnOfEventLoop } from "./turnOfEventLoop.js";

/** Where a {@link KnowledgeProjection} folds from and keeps its caches. */
export interface KnowledgeProjectionOptions {
  readonly log: EventLog;
  /** Folder of the caches; without one, every process folds the whole log. */
  readonly dir: string | undefined;
  /** Whether the caches are saved to `dir` (else only read from it). */
  readonly saveCaches: boolean;
  /** The chunk indexes kept current with the documents. */
  readonly index: ChunkIndex;
  /** Events folded between two checkpoints (saves of the caches while the process runs). */
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
  /** The save of the caches in progress (it yields too; re-indexing goes on meanwhile). */
  #saving: Promise<void> | undefined;
  /** Set while the save brings the indexes up to the last documents folded and takes the caches: no re-indexing starts. */
  #holding: Promise<void> | undefined;
  #projection: Projection | undefined;
  /** Loading the caches and folding the log, once started. */
  #loading: Promise<void> | undefined;
  /** Events folded since the last checkpoint was started (or the caches were loaded). */
  #sinceCheckpoint = 0;
  /** Events folded after the position of the caches on disk (all of them when there are none). */
  #sinceCaches = 0;
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
   * the next sync. While a save of the caches runs, it embeds nothing: the
   * save embeds those chunks before it takes the caches, or the next sync
   * or vector search after it does; and it lets the event loop turn once
   * before it returns, so that the save goes on by one step per sync.
   *
   * @throws ClosedError after {@link KnowledgeProjection.close}.
   */
  async sync(signal?: AbortSignal): Promise<number> {
    this.assertOpen();
    await this.#load();
    const position = await (this.#projection as Projection).catchUp();
    await this.#reindexDirty();
    if (this.#saving === undefined) await this.#index.embedPending(this.#documents, signal);
    // The save goes on a step per turn of the event loop (an embedding batch, a file write done), and writes made
    // one after the other by one caller turn it only every few of them: it would land only once they stop.
    else await turnOfEventLoop();
    if (this.#sinceCheckpoint >= this.#checkpointEvery) this.#checkpoint();
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

  /**
   * Searches the chunks of the documents as of the last sync (see
   * `ChunkIndex.search`: a vector or hybrid search reads the vector graphs
   * of the caches on its first call).
   */
  search(text: string, options: z.output<typeof SearchOptionsSchema>): Promise<SearchResult> {
    return this.#index.search(this.#documents, text, options);
  }

  /** @throws ClosedError after {@link KnowledgeProjection.close}. */
  assertOpen(): void {
    if (this.#closed)
      throw this.#log.closedError("the knowledge base is closed; open it again to read or write");
  }

  /**
   * Stops following the log, after the checkpoint in progress, and saves the
   * caches when a save is due: when the events folded after the caches'
   * position number at least {@link closeSaveThreshold} of the documents
   * (one in 20 of them, at most `checkpointEvery`), or when the caches' vectors
   * were out of date and every chunk was embedded again. Otherwise the
   * caches stay as they are, still true of the log up to their position,
   * and the next open folds those few events after them: a short process
   * that captures one document does not rewrite caches that hold thousands.
   */
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
    const due = this.#sinceCaches >= closeSaveThreshold(this.#documents.size, this.#checkpointEvery);
    if (due || this.#index.vectorsRebuilt) await this.#saveCaches();
  }

  /**
   * Re-indexes the documents changed since the last pass, one pass at a time:
   * a call made while a pass runs waits for it and then indexes what is
   * still dirty, so it never reads the indexes half re-cut. While a save
   * takes the caches (see `#save`), a call with documents to re-index waits
   * for that moment, one with none goes on.
   */
  async #reindexDirty(): Promise<void> {
    for (;;) {
      const busy = this.#reindexing ?? (this.#dirty.size > 0 ? this.#holding : undefined);
      if (busy === undefined) break;
      await busy.catch(() => undefined);
    }
    await this.#reindexPass();
  }

  /**
   * Re-indexes the documents dirty now, as one pass (the caller made sure
   * none runs). A failed pass fails the call that ran it and leaves its
   * documents dirty for the next pass.
   */
  async #reindexPass(): Promise<void> {
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
          this.#sinceCaches += 1;
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
    const { documents, position } = await this.#index.load(this.#dir, this.#log);
    this.#documents = documents;
    return position;
  }

  /**
   * Starts a checkpoint, a save of the caches, without waiting for it: the
   * write whose sync crossed `checkpointEvery` returns at once, and reads and
   * writes go on meanwhile (see `#saveCaches`); `close` waits for it.
   */
  #checkpoint(): void {
    this.#sinceCheckpoint = 0;
    void this.#saveCaches();
  }

  /**
   * Saves the caches, one save at a time (a call while one runs gets that
   * one; see `#save`). Caches that cannot be written (the folder is not
   * writable, the disk is full) never fail a sync or a close: the next open
   * folds the log after the caches it finds, or the whole log. Caches that
   * must not be saved (`saveCaches` false) never are.
   */
  #saveCaches(): Promise<void> {
    const dir = this.#dir;
    if (dir === undefined || !this.#writeCaches) return Promise.resolve();
    this.#saving ??= this.#save(dir)
      .catch(() => {
        // Only a slower next open: the caches it reads are stamped, so a half-written set is rebuilt, not trusted.
      })
      .finally(() => {
        this.#saving = undefined;
      });
    return this.#saving;
  }

  /**
   * Brings the indexes up to the documents folded (re-indexes them, reads
   * the vector graphs when they were not read yet, embeds what waits and
   * compacts the lexical index) while writes go on, which re-index and leave
   * their chunks' vectors to it, again until at most {@link HOLD_CHUNKS}
   * chunks wait. Then holds re-indexing while it does the same for what
   * those writes re-cut, and takes the caches at the position
   * folded (see `ChunkIndex.save`), with no turn of the event loop between
   * the check that nothing waits and the take. It writes them stamped with
   * that position and the id of the event there, while writes re-index and
   * reads go on. When events are folded faster than it catches up (three
   * rounds), it leaves the caches to the next checkpoint or the close; when
   * the embedder fails, it leaves them at once (they wait for the vectors).
   * When the log cannot be read (closed before the knowledge base), the
   * caches on disk stay as they are: older, and still true of the log.
   */
  async #save(dir: string): Promise<void> {
    // Each pass catches up with what the writes made during the one before, until little is left to hold them for.
    for (let pass = 0; pass === 0 || (pass < 8 && this.#index.waiting > HOLD_CHUNKS); pass += 1) {
      // Writes re-index what they folded; waiting for their passes could last as long as they go on.
      if (this.#reindexing === undefined) await this.#reindexPass();
      // The embedder failed (its warning is on searches): the caches wait for the vectors.
      if (!(await this.#index.prepareSave(this.#documents))) return;
    }
    let release = (): void => {};
    this.#holding = new Promise((resolve) => {
      release = resolve;
    });
    let writing: Promise<boolean> | undefined;
    let folded = 0;
    try {
      for (let round = 0; round < 3 && writing === undefined; round += 1) {
        while (this.#reindexing !== undefined) await this.#reindexing.catch(() => undefined);
        await this.#reindexPass();
        if (!(await this.#index.prepareSave(this.#documents))) return;
        if (this.#dirty.size > 0 || this.#reindexing !== undefined || !this.#index.complete) continue;
        const position = this.position;
        folded = this.#sinceCaches;
        const stamp = () => logStampAt(this.#log, position).catch(() => undefined);
        writing = this.#index.save(dir, this.#documents, stamp);
      }
    } finally {
      this.#holding = undefined;
      release();
    }
    if (writing !== undefined && (await writing)) this.#sinceCaches -= folded;
  }
}

/**
 * Chunks left waiting for their vectors (re-cut by writes while a save
 * caught up) up to which the save holds re-indexing to embed them and take
 * the caches: about 10 ms of the hashing embedder's CPU.
 */
const HOLD_CHUNKS = 64;

/**
 * Events folded after the caches' position from which closing saves them:
 * one in 20 of the documents they hold (at least 1, at most
 * `checkpointEvery`). Folding an event (re-cutting, indexing and embedding
 * one document) took about the CPU of saving 20 documents at 15,000
 * documents and 75 at 3,750, and writes nothing where a save writes every
 * document, chunk and graph; so a process that opens the caches next folds
 * at most about what one to four saves cost in CPU, and a save comes once
 * per that many events: at 15,000 documents, 750 events.
 */
export function closeSaveThreshold(documents: number, checkpointEvery: number): number {
  return Math.min(checkpointEvery, Math.max(1, Math.ceil(documents / 20)));
}
