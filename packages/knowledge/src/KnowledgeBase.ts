/**
 * The knowledge base: documents with provenance and time, folded from the log,
 * and the hybrid search over them.
 *
 * @module
 */
import {
  ClosedError,
  type EventLog,
  hashJson,
  IdempotencyConflictError,
  type KnownLines,
  type NewEvent,
  NotFoundError,
  newId,
  type Projection,
  startProjection,
} from "@software-factory/core";
import { z } from "zod";
import { DocumentStore, type KnowledgeDocument, revisionAt, withRevision } from "./DocumentStore.js";
import { decisionMarkdown } from "./decisionMarkdown.js";
import { createHashingEmbedder } from "./embedders/hashingEmbedder.js";
import {
  DocumentCaptured,
  DocumentLinked,
  DocumentRetracted,
  DocumentRevised,
  DocumentSuperseded,
  DocumentUnlinked,
  knowledgeEvents,
} from "./events.js";
import { appendOnKnownLines, type LineCheck } from "./internal/appendOnKnownLines.js";
import { ChunkIndex } from "./internal/ChunkIndex.js";
import { logStampAt } from "./internal/logStamp.js";
import { loadMarkdownParser } from "./internal/markdownParser.js";
import { parseInput } from "./internal/parse.js";
import type { OpenKnowledgeBaseOptions } from "./openKnowledgeBase.js";
import {
  type CaptureInput,
  CaptureInputSchema,
  type Decision,
  InstantSchema,
  type Link,
  LinkSchema,
  type RecordDecisionInput,
  RecordDecisionInputSchema,
  type ReviseInput,
  ReviseInputSchema,
  type SourcedCaptureInput,
  SourcedCaptureInputSchema,
} from "./schemas.js";
import {
  documentFilter,
  type SearchOptions,
  SearchOptionsSchema,
  type SearchResult,
} from "./search/searchOptions.js";
import type { Embedder } from "./search/types.js";

/** Options of a write. */
export interface WriteOptions {
  /** The same key twice writes once and returns the first result. */
  readonly idempotencyKey?: string;
  /** Who is writing (an operator or agent id). */
  readonly actor?: string;
}

/** Options of {@link KnowledgeBase.captureOrRevise}. */
export interface CaptureOrReviseOptions {
  /** Who is writing (an operator or agent id). */
  readonly actor?: string;
  /** Why, recorded on a revision (`re-imported from notes/retries.md`). */
  readonly reason?: string;
}

/** What {@link KnowledgeBase.captureOrRevise} did. */
export interface CaptureOrReviseResult {
  /** The one document of the source address, as it is now. */
  readonly document: KnowledgeDocument;
  /** `captured` (the address had no document, or only a retracted one), `revised`, or `unchanged`. */
  readonly outcome: "captured" | "revised" | "unchanged";
}

/**
 * How many times a write retries after losing a race for the same document to
 * another writer; each loss means that writer made progress, so this is only
 * a guard against a key reused by something else.
 */
const MAX_RACES = 100;

const GetOptionsSchema = z.object({ asOf: InstantSchema.optional() });
const ListPageSchema = z.object({
  limit: z.union([z.number().int().min(1), z.literal(Number.POSITIVE_INFINITY)]),
  offset: z.number().int().min(0),
});

/**
 * The knowledge base of a factory. Writes are events in the log; documents and
 * indexes are projections kept current from it, whichever process wrote.
 * After {@link KnowledgeBase.close}, every read and write rejects with
 * `ClosedError` (`E_CLOSED`).
 *
 * Open it with {@link openKnowledgeBase}.
 */
export class KnowledgeBase implements AsyncDisposable {
  readonly #log: EventLog;
  readonly #dir: string | undefined;
  readonly #embedder: Embedder;
  readonly #checkpointEvery: number;
  readonly #lines: KnownLines | undefined;
  #documents = new DocumentStore();
  readonly #index: ChunkIndex;
  /** Documents whose chunks must be re-indexed. */
  readonly #dirty = new Set<string>();
  #projection: Projection | undefined;
  /** Loading the caches and folding the log, once started. */
  #loading: Promise<void> | undefined;
  #sinceCheckpoint = 0;
  /** Whether memory holds more than the caches on disk (then closing saves them). */
  #unsaved = true;
  #closed = false;

  /** @internal Use {@link openKnowledgeBase}. */
  constructor(options: OpenKnowledgeBaseOptions) {
    this.#log = options.log;
    this.#dir = options.dir;
    this.#embedder = options.embedder ?? createHashingEmbedder();
    this.#checkpointEvery = options.checkpointEvery ?? 1000;
    this.#lines = options.lines;
    const mode = options.fusion?.mode ?? (this.#embedder.semantic ? "rrf" : "extend");
    this.#index = new ChunkIndex({
      embedder: this.#embedder,
      chunking: options.chunking ?? {},
      vectorIndex: options.vectorIndex ?? {},
      fusion: { ...options.fusion, mode },
    });
  }

  /** @internal Registers the event types; loads the caches and folds the log after them unless loading waits for first use. */
  async start(load: "open" | "first-use" = "open"): Promise<void> {
    this.#log.registry.register(...knowledgeEvents);
    if (load === "open") await this.sync();
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

  /** Log position the knowledge base reflects (0 until it is first used, when it loads with `load: "first-use"`). */
  get position(): number {
    return this.#projection?.position ?? 0;
  }

  /** Identity of the embedder behind the vector index. */
  get embedderId(): string {
    return this.#embedder.id;
  }

  /** Folds new events from the log (any process) and brings the indexes up to date. */
  async sync(): Promise<number> {
    this.#assertOpen();
    await this.#load();
    const position = await (this.#projection as Projection).catchUp();
    if (this.#dirty.size > 0) {
      await loadMarkdownParser();
      this.#index.reindex(this.#documents, this.#dirty);
      this.#dirty.clear();
    }
    await this.#index.embedPending(this.#documents);
    if (this.#sinceCheckpoint >= this.#checkpointEvery) await this.#saveCaches();
    return position;
  }

  /**
   * Captures a document. With `supersedes`, the older documents are marked
   * superseded in the same atomic write.
   *
   * With the `lines` option, the lines it names are checked and the document
   * appended as one decision: it lands only if no event landed since the
   * check (else the lines are checked again), so it is never captured on a
   * line another process retired meanwhile.
   *
   * @throws ValidationError naming each bad field.
   * @throws NotFoundError when a superseded document does not exist, or a linked line is unknown (with `lines`).
   * @throws ConcurrencyConflictError when other writes landed between the line check and the append on every one of a bounded number of attempts with backoff (with `lines`).
   */
  async capture(input: CaptureInput, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    const parsed = parseInput(CaptureInputSchema, input, "document");
    await this.sync();
    const key = options.idempotencyKey;
    const earlier = key === undefined ? undefined : this.#documents.byKey(key);
    if (earlier !== undefined) return this.#sameCapture(earlier, parsed.title, parsed.body, key as string);
    const id = newId("doc");
    const events = this.#captureEvents(id, parsed, key);
    try {
      await this.#append(events, options, { lines: parsed.lines, subject: "document" });
    } catch (error) {
      // Another process captured with the same key between our check and our append.
      await this.sync();
      const winner = key === undefined ? undefined : this.#documents.byKey(key);
      if (winner === undefined) throw error;
      return this.#sameCapture(winner, parsed.title, parsed.body, key as string);
    }
    await this.sync();
    return this.#require(id);
  }

  /** The document an earlier capture with the same key stored, when it was the same capture. */
  #sameCapture(earlier: KnowledgeDocument, title: string, body: string, key: string): KnowledgeDocument {
    const first = earlier.revisions[0];
    if (first !== undefined && first.title === title && first.body === body) return earlier;
    throw new IdempotencyConflictError({
      message: `idempotency key "${key}" was already used to capture a different document (${earlier.id}); use a new key`,
      key,
    });
  }

  /** The events that capture `parsed` as document `id` (and mark what it supersedes). */
  #captureEvents(
    id: string,
    parsed: z.output<typeof CaptureInputSchema>,
    key: string | undefined,
  ): NewEvent[] {
    for (const old of parsed.supersedes) this.#require(old);
    const validFrom = parsed.validFrom ?? parsed.source.capturedAt ?? new Date().toISOString();
    return [
      {
        type: DocumentCaptured.type,
        subject: id,
        data: {
          kind: parsed.kind,
          source: parsed.source,
          links: parsed.links,
          supersedes: parsed.supersedes,
          ...(key === undefined ? {} : { key }),
          title: parsed.title,
          body: parsed.body,
          contentHash: contentHash(parsed.title, parsed.body, parsed.decision),
          tags: parsed.tags,
          lines: parsed.lines,
          validFrom,
          ...(parsed.validTo === undefined ? {} : { validTo: parsed.validTo }),
          ...(parsed.decision === undefined ? {} : { decision: parsed.decision }),
        },
      },
      ...parsed.supersedes.map((old) => ({ type: DocumentSuperseded.type, subject: old, data: { by: id } })),
    ];
  }

  /**
   * Keeps one document per source address (`source.system` and `source.uri`),
   * for importers: captures it when the address has no document (or only a
   * retracted one), else revises that document to this content (title, body,
   * tags, lines, validity, decision; a revision that changes nothing is not
   * recorded). Kind, links and `supersedes` count only on a capture.
   *
   * Safe when several processes import the same source at once: the first
   * capture of an address and each revision of a document are written once,
   * whoever wins; a writer that loses reads the winner's document and revises
   * it only if its own content differs.
   *
   * @throws ValidationError naming each bad field, or a missing `source.uri`.
   * @throws NotFoundError when a line it names is unknown (with `lines`), checked as {@link KnowledgeBase.capture} does.
   * @example
   * ```ts
   * const { outcome } = await kb.captureOrRevise(
   *   { kind: "note", title: "Retries", body: "...", source: { system: "notes", uri: "retries.md" } },
   *   { reason: "re-imported from retries.md" },
   * );
   * ```
   */
  async captureOrRevise(
    input: SourcedCaptureInput,
    options: CaptureOrReviseOptions = {},
  ): Promise<CaptureOrReviseResult> {
    this.#assertOpen();
    const parsed = parseInput(SourcedCaptureInputSchema, input, "document");
    const { system, uri } = parsed.source;
    const write = options.actor === undefined ? {} : { actor: options.actor };
    for (let attempt = 1; ; attempt += 1) {
      await this.sync();
      const existing = this.#documents.bySource(system, uri);
      if (existing !== undefined && existing.retracted === undefined) {
        const { document, changed } = await this.#revise(
          existing.id,
          {
            title: parsed.title,
            body: parsed.body,
            tags: parsed.tags,
            lines: parsed.lines,
            ...(parsed.validFrom === undefined ? {} : { validFrom: parsed.validFrom }),
            validTo: parsed.validTo ?? null,
            ...(parsed.decision === undefined ? {} : { decision: parsed.decision }),
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          },
          write,
        );
        return { document, outcome: changed ? "revised" : "unchanged" };
      }
      const id = newId("doc");
      // The one capture of this address after `existing`: a writer racing us holds the same key.
      const key = `knowledge.source:${hashJson([system, uri, existing?.id ?? null])}`;
      try {
        await this.#append(
          this.#captureEvents(id, parsed, undefined),
          { ...write, idempotencyKey: key },
          { lines: parsed.lines, subject: "document" },
        );
      } catch (error) {
        if (error instanceof IdempotencyConflictError && attempt < MAX_RACES) continue;
        throw error;
      }
      await this.sync();
      return { document: this.#require(id), outcome: "captured" };
    }
  }

  /**
   * Records a decision in the decision log: a `decision` document whose body is
   * written from its context, options, decision and consequences.
   */
  async recordDecision(input: RecordDecisionInput, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    const parsed = parseInput(RecordDecisionInputSchema, input, "decision");
    const decision: Decision = {
      status: parsed.status,
      context: parsed.context,
      options: parsed.options,
      decision: parsed.decision,
      consequences: parsed.consequences,
    };
    return this.capture(
      {
        kind: "decision",
        title: parsed.title,
        body: decisionMarkdown(decision),
        source: parsed.source,
        tags: parsed.tags,
        lines: parsed.lines,
        links: parsed.links,
        supersedes: parsed.supersedes,
        decision,
      },
      options,
    );
  }

  /**
   * Records a new revision of a document. Fields not given stay as they are; a
   * revision that changes nothing is not recorded.
   * Two writers revising the same revision at once (two processes importing
   * the same file) record one revision: the second re-reads the document and
   * records its own only if that still changes something.
   *
   * @returns the document and whether a revision was recorded.
   * @throws NotFoundError when the document does not exist, or a line it names is unknown (with `lines`, checked as {@link KnowledgeBase.capture} does).
   */
  async revise(
    id: string,
    input: ReviseInput,
    options: WriteOptions = {},
  ): Promise<{ document: KnowledgeDocument; changed: boolean }> {
    this.#assertOpen();
    const parsed = parseInput(ReviseInputSchema, input, `revision of ${id}`);
    return this.#revise(id, parsed, options);
  }

  /**
   * Records a revision unless it changes nothing. Without a caller's key, the
   * append claims the document's next revision number as its key, so two
   * writers revising the same revision record one revision: the loser reads
   * the winner's and revises that (or finds nothing left to change).
   */
  async #revise(
    id: string,
    parsed: z.output<typeof ReviseInputSchema>,
    options: WriteOptions,
  ): Promise<{ document: KnowledgeDocument; changed: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      await this.sync();
      const current = this.#require(id);
      const title = parsed.title ?? current.title;
      let decision = parsed.decision ?? current.decision;
      const body =
        parsed.body ?? (parsed.decision !== undefined ? decisionMarkdown(parsed.decision) : current.body);
      if (decision !== undefined && parsed.decision === undefined && current.decision !== undefined)
        decision = current.decision;
      const validTo = parsed.validTo === null ? undefined : (parsed.validTo ?? current.validTo);
      const data = {
        title,
        body,
        contentHash: contentHash(title, body, decision),
        tags: parsed.tags ?? [...current.tags],
        lines: parsed.lines ?? [...current.lines],
        validFrom: parsed.validFrom ?? current.validFrom,
        ...(validTo === undefined ? {} : { validTo }),
        ...(decision === undefined ? {} : { decision }),
      };
      const unchanged =
        data.contentHash === current.contentHash &&
        hashJson([data.tags, data.lines, data.validFrom, data.validTo ?? null]) ===
          hashJson([current.tags, current.lines, current.validFrom, current.validTo ?? null]);
      if (unchanged) return { document: current, changed: false };
      const key = options.idempotencyKey ?? `knowledge.revision:${id}:${current.revisions.length + 1}`;
      try {
        await this.#append(
          [
            {
              type: DocumentRevised.type,
              subject: id,
              data: { ...data, ...(parsed.reason === undefined ? {} : { reason: parsed.reason }) },
            },
          ],
          { ...options, idempotencyKey: key },
          { lines: parsed.lines ?? [], subject: `revision of ${id}` },
        );
      } catch (error) {
        const lostRace = error instanceof IdempotencyConflictError && options.idempotencyKey === undefined;
        if (lostRace && attempt < MAX_RACES) continue;
        throw error;
      }
      await this.sync();
      return { document: this.#require(id), changed: true };
    }
  }

  /** Captures `replacement` as the document that supersedes `id`. */
  async supersede(
    id: string,
    replacement: CaptureInput,
    options: WriteOptions = {},
  ): Promise<KnowledgeDocument> {
    this.#assertOpen();
    const supersedes = [...new Set([...(replacement.supersedes ?? []), id])];
    return this.capture({ ...replacement, supersedes }, options);
  }

  /** Adds a typed link from a document to another document or an artifact. */
  async link(id: string, link: Link, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    const parsed = parseInput(LinkSchema, link, `link of ${id}`);
    await this.sync();
    this.#require(id);
    await this.#append([{ type: DocumentLinked.type, subject: id, data: parsed }], options);
    await this.sync();
    return this.#require(id);
  }

  /** Removes a typed link. */
  async unlink(id: string, link: Link, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    const parsed = parseInput(LinkSchema, link, `link of ${id}`);
    await this.sync();
    this.#require(id);
    await this.#append([{ type: DocumentUnlinked.type, subject: id, data: parsed }], options);
    await this.sync();
    return this.#require(id);
  }

  /**
   * Withdraws a document from search; its history stays in the log, and
   * `asOf` searches before the retraction still find it. Idempotent: a
   * document already retracted (by an earlier or a concurrent call) is
   * returned as it is, with its first retraction's time and reason, and
   * nothing is written.
   *
   * @throws NotFoundError when no document has this id.
   * @throws ValidationError when the reason is empty.
   */
  async retract(id: string, reason: string, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    const parsedReason = parseInput(z.string().trim().min(1).max(2000), reason, `retraction of ${id}`);
    await this.sync();
    const current = this.#require(id);
    if (current.retracted !== undefined) return current;
    try {
      // A document is retracted once: a writer racing us for the same document holds the same key.
      await this.#append([{ type: DocumentRetracted.type, subject: id, data: { reason: parsedReason } }], {
        ...options,
        idempotencyKey: options.idempotencyKey ?? `knowledge.retraction:${id}`,
      });
    } catch (error) {
      if (!(error instanceof IdempotencyConflictError) || options.idempotencyKey !== undefined) throw error;
    }
    await this.sync();
    return this.#require(id);
  }

  /**
   * A document as it is now, or as it read at `asOf` (the revision current
   * then). A lookup: `undefined` when no document has this id (or none was
   * recorded yet at `asOf`), where the writes (`revise`, `link`, `retract`...)
   * throw `NotFoundError`.
   */
  async get(id: string, options: { asOf?: string } = {}): Promise<KnowledgeDocument | undefined> {
    this.#assertOpen();
    const { asOf } = parseInput(GetOptionsSchema, options, "get options");
    await this.sync();
    const document = this.#documents.get(id);
    if (document === undefined || asOf === undefined) return document;
    const revision = revisionAt(document, asOf);
    return revision === undefined ? undefined : withRevision(document, revision);
  }

  /** The document captured from a source address (`system`, `uri`), if any. */
  async bySource(system: string, uri: string): Promise<KnowledgeDocument | undefined> {
    this.#assertOpen();
    await this.sync();
    return this.#documents.bySource(system, uri);
  }

  /** Every document captured from a source system (retracted ones included), for importers. */
  async fromSystem(system: string): Promise<KnowledgeDocument[]> {
    this.#assertOpen();
    await this.sync();
    return [...this.#documents.all()].filter((document) => document.source.system === system);
  }

  /**
   * Documents matching the filters, newest first: the first `limit` (default
   * 100; `Infinity` for all) after `offset`.
   *
   * @throws ValidationError when an option is malformed.
   */
  async list(
    options: Pick<
      SearchOptions,
      "kinds" | "lines" | "tags" | "authors" | "from" | "to" | "current" | "asOf"
    > & {
      limit?: number;
      offset?: number;
    } = {},
  ): Promise<KnowledgeDocument[]> {
    this.#assertOpen();
    const { limit = 100, offset = 0, ...filters } = options;
    const page = parseInput(ListPageSchema, { limit, offset }, "list options");
    const parsed = parseInput(SearchOptionsSchema, filters, "list options");
    await this.sync();
    const keep = documentFilter(parsed);
    return [...this.#documents.all()]
      .filter(keep)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
      .slice(page.offset, page.offset + page.limit);
  }

  /**
   * Hybrid search: BM25 over chunks fused with the vector index, filtered,
   * collapsed to one hit per document, paged, and cut to a token budget.
   * With `asOf`, each hit's document, chunk and snippet are those of the
   * revision in force at that instant (as {@link KnowledgeBase.get} returns
   * it), and it is scored on that revision's text.
   *
   * @throws ValidationError when an option is out of range.
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    this.#assertOpen();
    const text = parseInput(z.string().trim().min(1, "the query is empty").max(4000), query, "search query");
    const parsed = parseInput(SearchOptionsSchema, options, "search options");
    await this.sync();
    return this.#index.search(this.#documents, text, parsed);
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
    await this.#index.idle();
    await this.#projection?.close();
    if (this.#unsaved) await this.#saveCaches();
  }

  /** Same as {@link KnowledgeBase.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Appends events with the write's key and actor; when they name lines
   * (`check`), only if those lines exist when the events land (see
   * {@link appendOnKnownLines}).
   *
   * @throws NotFoundError when a named line does not exist (with the `lines` option).
   */
  async #append(events: NewEvent[], options: WriteOptions, check: LineCheck = { lines: [], subject: "" }) {
    return appendOnKnownLines(
      this.#log,
      this.#lines,
      events,
      {
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
        ...(options.actor === undefined ? {} : { actor: options.actor }),
      },
      check,
    );
  }

  #require(id: string): KnowledgeDocument {
    const document = this.#documents.get(id);
    if (document === undefined) {
      throw new NotFoundError({ message: `no document with id "${id}"`, entity: "document", id });
    }
    return document;
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
   * disk stay as they are: older, and still true of the log.
   */
  async #saveCaches(): Promise<void> {
    this.#sinceCheckpoint = 0;
    if (this.#dir === undefined) return;
    const position = this.position;
    const stamp = await logStampAt(this.#log, position).catch(() => undefined);
    if (stamp === undefined || position !== this.position) return;
    if (!this.#index.complete || this.#dirty.size > 0) return;
    this.#index.save(this.#dir, this.#documents, stamp);
    this.#unsaved = false;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new ClosedError({ message: "the knowledge base is closed; open it again to read or write" });
    }
  }
}

function contentHash(title: string, body: string, decision: Decision | undefined): string {
  return hashJson({ title, body, decision: decision ?? null });
}
