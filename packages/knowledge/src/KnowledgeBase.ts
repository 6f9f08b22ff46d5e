/**
 * The knowledge base: documents with provenance and time, folded from the log,
 * and the hybrid search over them. This module is the public surface: it
 * validates each call and hands it to the reads (`KnowledgeReader`), which
 * answer from the fold (`KnowledgeProjection`), or to the writes
 * (`KnowledgeWriter`); the options its calls take, and the schemas that check
 * them, are in `knowledgeBaseOptions.ts`.
 *
 * @module
 */
import { anObject, checkArguments, type EventLog } from "@software-factory/core";
import type { KnowledgeDocument } from "./DocumentStore.js";
import { knowledgeEvents } from "./events.js";
import type { IncomingLink } from "./incomingLinks.js";
import { Text, WriteOptionsArgument } from "./internal/arguments.js";
import { decisionDocument } from "./internal/decisionDocument.js";
import type { KnowledgeProjection } from "./internal/KnowledgeProjection.js";
import type { KnowledgeReader } from "./internal/KnowledgeReader.js";
import type { KnowledgeWriter } from "./internal/KnowledgeWriter.js";
import { knowledgeParts } from "./internal/knowledgeParts.js";
import { checkOpenOptions } from "./internal/openOptions.js";
import { parseInput } from "./internal/parse.js";
import {
  type CaptureOrReviseOptions,
  type CaptureOrReviseResult,
  checkLinkTarget,
  GetOptionsSchema,
  type ListKnowledgeOptions,
  ListOptionsSchema,
  MoveInputSchema,
  type MoveOptions,
  RetractInputSchema,
  type RetractOptions,
  SearchQuerySchema,
  type WriteOptions,
} from "./knowledgeBaseOptions.js";
import type { OpenKnowledgeBaseOptions } from "./openKnowledgeBase.js";
import {
  type CaptureInput,
  CaptureInputSchema,
  type Link,
  LinkInputSchema,
  type RecordDecisionInput,
  RecordDecisionInputSchema,
  type ReviseInput,
  ReviseInputSchema,
  type SourcedCaptureInput,
  SourcedCaptureInputSchema,
} from "./schemas.js";
import { type SearchOptions, SearchOptionsSchema, type SearchResult } from "./search/searchOptions.js";
import type { Embedder } from "./search/types.js";

export type {
  CaptureOrReviseOptions,
  CaptureOrReviseResult,
  ListKnowledgeOptions,
  MoveOptions,
  RetractOptions,
  WriteOptions,
} from "./knowledgeBaseOptions.js";

/**
 * The knowledge base of a factory. Writes are events in the log; documents and
 * indexes are projections kept current from it, whichever process wrote.
 * After {@link KnowledgeBase.close}, every read and write rejects with
 * `ClosedError` (`E_CLOSED`).
 * Each call checks the types of its arguments first, as plain JavaScript may
 * pass anything: a wrong one (the number `42` or `null` for a document id,
 * `null` for the options, `{ actor: 42 }`) is a `ValidationError` naming the
 * argument or option, never a `TypeError`, a `NotFoundError` or an empty
 * answer, and nothing is written.
 *
 * Open it with {@link openKnowledgeBase}.
 */
export class KnowledgeBase implements AsyncDisposable {
  readonly #log: EventLog;
  readonly #embedder: Embedder;
  readonly #projection: KnowledgeProjection;
  readonly #writer: KnowledgeWriter;
  readonly #reader: KnowledgeReader;

  /**
   * Not for direct use: {@link openKnowledgeBase} also registers the event types and loads the caches.
   *
   * @throws ValidationError naming the option (`chunking.maxTokens`, `vectorIndex.efsearch`) when an option is bad or unknown.
   */
  constructor(options: OpenKnowledgeBaseOptions) {
    // Checked here, once: a document is chunked only after its event landed, so a bad option must fail before any write.
    checkOpenOptions(options);
    this.#log = options.log;
    const parts = knowledgeParts(options);
    this.#embedder = parts.embedder;
    this.#projection = parts.projection;
    this.#writer = parts.writer;
    this.#reader = parts.reader;
  }

  /** @internal Registers the event types; loads the caches and folds the log after them unless loading waits for first use. */
  async start(load: "open" | "first-use" = "open"): Promise<void> {
    this.#log.registry.register(...knowledgeEvents);
    if (load === "open") await this.sync();
  }

  /** Log position the knowledge base reflects (0 until it is first used, when it loads with `load: "first-use"`). */
  get position(): number {
    return this.#projection.position;
  }

  /** Identity of the embedder behind the vector index. */
  get embedderId(): string {
    return this.#embedder.id;
  }

  /** Folds new events from the log (any process) and brings the indexes up to date. */
  async sync(): Promise<number> {
    return this.#projection.sync();
  }

  /**
   * Captures a document. With `supersedes`, the older documents are marked
   * superseded in the same atomic write. None of the documents it supersedes
   * or links to may be retracted, checked and appended as one step, so a
   * retraction landing meanwhile is not overtaken (links to artifacts, or
   * ids that name no document, are not checked). A retry with the
   * idempotency key of a capture that superseded documents is refused once
   * that capture's document is retracted.
   *
   * With the `lines` option, the lines it names are checked and the document
   * appended as one decision: it lands only if no event landed since the
   * check (else the lines are checked again), so it is never captured on a
   * line another process retired meanwhile.
   *
   * @throws ValidationError naming each bad field; at `validTo` when it is not after the start of validity (`validFrom`, else `source.capturedAt`, else now), as the document would never be in force.
   * @throws NotFoundError when a superseded document does not exist, or a linked line is unknown (with `lines`).
   * @throws DocumentRetractedError (`E_RETRACTED`) naming the document and the field (`supersedes[0]`, `links[2].target`) when a document it supersedes or links to is retracted, or naming the earlier capture's document on such a retry; nothing is written.
   * @throws ConcurrencyConflictError when other writes landed between the line check and the append on every one of a bounded number of attempts with backoff (with `lines`).
   */
  async capture(input: CaptureInput, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    checkArguments("capture", { options: [WriteOptionsArgument, options] });
    const parsed = parseInput(CaptureInputSchema, input, "document");
    return this.#writer.capture(parsed, options);
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
   * it only if its own content differs. Writers given different idempotency
   * keys still keep one document: the key goes with the write this call
   * makes, the capture (a retry with the key answers that document, outcome
   * `captured`, even after it was revised) or the revision.
   *
   * An importer reading its source again passes `reimport: true`
   * ({@link CaptureOrReviseOptions.reimport}): a source unchanged since its
   * last import writes nothing, whatever was revised by hand since; a
   * changed one replaces a hand revision with a warning (`warnings`); a
   * retracted document stays retracted while its source is unchanged.
   *
   * @throws ValidationError naming each bad field, or a missing `source.uri`; at `decision` when it revises a document that is no decision with one.
   * @throws IdempotencyConflictError when the key captured a different document (another title or body), or was used for another write than this revision.
   * @throws NotFoundError when a line it names is unknown (with `lines`), checked as {@link KnowledgeBase.capture} does.
   * @throws DocumentRetractedError (`E_RETRACTED`) when it captures and a document it supersedes or links to is retracted, as {@link KnowledgeBase.capture}; nothing is written.
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
    checkArguments("captureOrRevise", { options: [WriteOptionsArgument, options] });
    const parsed = parseInput(SourcedCaptureInputSchema, input, "document");
    return this.#writer.captureOrRevise(parsed, options);
  }

  /**
   * Records a decision in the decision log: a `decision` document whose body is
   * written from its context, options, decision and consequences.
   *
   * @throws DocumentRetractedError (`E_RETRACTED`) when a document it supersedes or links to is retracted, as {@link KnowledgeBase.capture}; nothing is written.
   */
  async recordDecision(input: RecordDecisionInput, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    checkArguments("recordDecision", { options: [WriteOptionsArgument, options] });
    const parsed = parseInput(RecordDecisionInputSchema, input, "decision");
    return this.capture(decisionDocument(parsed), options);
  }

  /**
   * Records a new revision of a document. Fields not given stay as they are; a
   * revision that changes nothing is not recorded. A retracted document is
   * refused: a retraction cannot be undone, so capture a new document instead.
   * Two writers revising the same revision at once (two processes importing
   * the same file) record one revision: the second re-reads the document and
   * records its own only if that still changes something.
   *
   * `decision` gives only the decision's fields that change (any of status,
   * context, options, decision, consequences); they are merged over the
   * document's decision as the write finds it, so two writers revising
   * different fields at once keep both. The body is rewritten from the
   * merged decision unless `body` is given too. `decision: {}` names nothing
   * to change and is refused, as is `decision` for a document that is no
   * decision.
   *
   * @returns the document and whether a revision was recorded.
   * @throws ValidationError naming each bad field; at `validTo` (or `validFrom` when only it is given) when the revision's validity, given or kept, would end before it starts; at `decision` when it is `{}` or the document is no decision; at the longest decision field when the merged decision's text passes `DECISION_TEXT_MAX` (200,000) characters.
   * @throws NotFoundError when the document does not exist, or a line it names is unknown (with `lines`, checked as {@link KnowledgeBase.capture} does).
   * @throws DocumentRetractedError (`E_RETRACTED`) naming the document when it is retracted.
   * @example
   * ```ts
   * // Accepts the decision and fills its consequences; context, options and decision stay.
   * await kb.revise(id, {
   *   decision: { status: "accepted", consequences: "Refunds go through the provider." },
   *   reason: "accepted at the review",
   * });
   * ```
   */
  async revise(
    id: string,
    input: ReviseInput,
    options: WriteOptions = {},
  ): Promise<{
    /** The document as it stands after the call. */
    document: KnowledgeDocument;
    /** Whether a revision was recorded; false when the input changed nothing. */
    changed: boolean;
  }> {
    this.#assertOpen();
    checkArguments("revise", { id: [Text, id], options: [WriteOptionsArgument, options] });
    const parsed = parseInput(ReviseInputSchema, input, `revision of ${id}`);
    return this.#writer.revise(id, parsed, options);
  }

  /**
   * Captures `replacement` as the document that supersedes `id`. The
   * replacement is a new document, so it cannot be retracted when it is
   * captured; a retry with the same idempotency key after it was retracted
   * is refused rather than passing a withdrawn document off as the
   * replacement: capture a new replacement under a new key.
   *
   * @throws NotFoundError when `id` (or another superseded document) does not exist.
   * @throws DocumentRetractedError (`E_RETRACTED`) when `id`, another superseded document or a link target of the replacement is retracted, or, on a keyed retry, the replacement was retracted since; nothing is written.
   */
  async supersede(
    id: string,
    replacement: CaptureInput,
    options: WriteOptions = {},
  ): Promise<KnowledgeDocument> {
    this.#assertOpen();
    checkArguments("supersede", {
      id: [Text, id],
      replacement: [anObject("a document to capture (kind, title, body, source)"), replacement],
      options: [WriteOptionsArgument, options],
    });
    // A `supersedes` that is no list is left to the capture, which refuses it by name.
    const earlier = replacement.supersedes ?? [];
    const supersedes = Array.isArray(earlier) ? [...new Set([...earlier, id])] : earlier;
    return this.capture({ ...replacement, supersedes }, options);
  }

  /**
   * Adds a typed link from a document to another document or an artifact.
   * A new link may not point at a retracted document (links made before it
   * was retracted stay); the check and the append are one step, so a
   * retraction of either document landing meanwhile is not overtaken. A link
   * the document already has is not written again (no event, no revision of
   * the log): the document is returned as it is.
   *
   * @throws ValidationError naming each bad field, and at `target` when it is the document itself: a document cannot link to itself; nothing is written.
   * @throws NotFoundError when the document does not exist.
   * @throws DocumentRetractedError (`E_RETRACTED`) naming the document when it is retracted, or the target (with `field: "target"`) when that is; nothing is written.
   */
  async link(id: string, link: Link, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    checkArguments("link", { id: [Text, id], options: [WriteOptionsArgument, options] });
    const parsed = parseInput(LinkInputSchema, link, `link of ${id}`);
    checkLinkTarget(id, parsed.target);
    return this.#writer.link(id, parsed, options);
  }

  /**
   * Removes a typed link from a document, also one to a retracted document.
   * Removing a link the document does not have writes nothing and returns it as it is.
   *
   * @throws NotFoundError when the document does not exist.
   * @throws DocumentRetractedError (`E_RETRACTED`) naming the document when it is retracted; nothing is written.
   */
  async unlink(id: string, link: Link, options: WriteOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    checkArguments("unlink", { id: [Text, id], options: [WriteOptionsArgument, options] });
    return this.#writer.unlink(id, parseInput(LinkInputSchema, link, `link of ${id}`), options);
  }

  /**
   * Records that a document's source moved to another address of the same
   * source system (its file was renamed or moved): the document keeps its
   * id, revisions, links, lines and decision, `source.uri` becomes `uri`,
   * the move is kept in `moves`, and {@link KnowledgeBase.bySource} finds it
   * at the new address and no longer at the old one (a capture there is a
   * new document). Moving a document to the address it has writes nothing.
   * Importers call it when a file was renamed (see `importMarkdownFolder`).
   *
   * @throws ValidationError at `uri` when it is empty or over 2000 characters, or another live document has that address (retract it first).
   * @throws NotFoundError when no document has this id.
   * @throws DocumentRetractedError (`E_RETRACTED`) naming the document when it is retracted; nothing is written.
   */
  async move(id: string, uri: string, options: MoveOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    checkArguments("move", { id: [Text, id], options: [WriteOptionsArgument, options] });
    parseInput(MoveInputSchema, { uri, reason: options.reason }, `move of ${id}`);
    return this.#writer.move(id, uri, options);
  }

  /**
   * Withdraws a document from search; its history stays in the log, and
   * `asOf` searches before the retraction still find it, as do the links
   * other documents made to it before; no write builds on it afterwards (it
   * is not revised, linked, unlinked or superseded, and no new link points
   * at it: `DocumentRetractedError`). Idempotent: a
   * document already retracted (by an earlier or a concurrent call) is
   * returned as it is, with its first retraction's time and reason, and
   * nothing is written. An importer retracting a document because its source
   * is gone says so (`{ sourceGone: true }`), so a re-import captures the
   * source again should it come back (see
   * {@link CaptureOrReviseOptions.reimport}).
   *
   * @throws NotFoundError when no document has this id.
   * @throws ValidationError at `reason` when the reason is not a string, is empty or is over 2000 characters.
   */
  async retract(id: string, reason: string, options: RetractOptions = {}): Promise<KnowledgeDocument> {
    this.#assertOpen();
    checkArguments("retract", { id: [Text, id], options: [WriteOptionsArgument, options] });
    const parsed = parseInput(RetractInputSchema, { reason }, `retraction of ${id}`);
    return this.#writer.retract(id, parsed.reason, options);
  }

  /**
   * A document as it is now, or as it was at `asOf`, as a search or a
   * listing then reads it: its revision in force then (the last recorded by
   * then, else the first: see {@link revisionAt}), with that revision's
   * title, body, tags, lines, validity and decision, the revisions up to it,
   * the links and source address it had then, and the `updatedAt` and `seq`
   * of its last event by then (its supersession or retraction is shown
   * whenever it came). A lookup: `undefined` when no document has this id,
   * or with `asOf` when that revision's `validFrom` is after it (so no
   * search or listing then has it either), where the writes (`revise`,
   * `link`, `retract`...) throw `NotFoundError`; a document retracted,
   * superseded or expired by then is returned, which searches and listings
   * leave out ({@link isInForce} tells).
   */
  async get(id: string, options: { asOf?: string } = {}): Promise<KnowledgeDocument | undefined> {
    this.#assertOpen();
    checkArguments("get", { id: [Text, id] });
    const { asOf } = parseInput(GetOptionsSchema, options, "get options");
    return this.#reader.get(id, asOf);
  }

  /** The document captured from a source address (`system`, `uri`), if any. */
  async bySource(system: string, uri: string): Promise<KnowledgeDocument | undefined> {
    this.#assertOpen();
    checkArguments("bySource", { system: [Text, system], uri: [Text, uri] });
    return this.#reader.bySource(system, uri);
  }

  /** Every document captured from a source system (retracted ones included), for importers. */
  async fromSystem(system: string): Promise<KnowledgeDocument[]> {
    this.#assertOpen();
    checkArguments("fromSystem", { system: [Text, system] });
    return this.#reader.fromSystem(system);
  }

  /**
   * The links from documents to `target`, the id of a document, a work item,
   * a line or an artifact: one per link (a document linking with two types is
   * there twice), each with its document as it is now and whether that
   * document is in force (`current`); retracted, superseded and expired
   * documents are included, after those in force, then newest first. A
   * target nothing links to, or that does not exist, has none.
   *
   * @throws ValidationError naming `target` when it is not a string.
   */
  async linksTo(target: string): Promise<IncomingLink[]> {
    this.#assertOpen();
    checkArguments("linksTo", { target: [Text, target] });
    return this.#reader.linksTo(target);
  }

  /**
   * Documents matching the filters, newest first: the first `limit` (default
   * 100; `Infinity` for all) after `offset`. With `asOf`, the filters apply
   * to each document as it read then, and it is returned so (as a search
   * `asOf` returns its hits' documents).
   *
   * It first folds what other processes appended, embedding the chunks they
   * captured: with `signal`, the listing is cancelled when it aborts, as a
   * search is (it rejects with the signal's reason, the embedder's call it
   * waits on gets the abort, and chunks left unembedded are embedded by the
   * next call).
   *
   * @throws ValidationError when an option is malformed or unknown (`kind` for `kinds`), or `signal` is no `AbortSignal`.
   * @throws NotFoundError (field `lines[i]`) when a line of `lines` is neither known to the `lines` option nor filed on by any document, as {@link KnowledgeBase.search} checks it.
   * @throws the signal's `reason` when `signal` aborts before the listing ends.
   */
  async list(options: ListKnowledgeOptions = {}): Promise<KnowledgeDocument[]> {
    this.#assertOpen();
    // The strict schema refuses what list does not take; the search schema fills in the defaults.
    const { limit, offset, ...filters } = parseInput(ListOptionsSchema, options, "list options");
    return this.#reader.list(parseInput(SearchOptionsSchema, filters, "list options"), offset, limit);
  }

  /**
   * Hybrid search: BM25 over chunks fused with the vector index, filtered,
   * collapsed to one hit per document, paged, and cut to a token budget.
   * With `asOf`, each hit's document, chunk and snippet are those of the
   * revision in force at that instant (as {@link KnowledgeBase.get} returns
   * it), and it is scored on that revision's text.
   *
   * With `signal`, the search is cancelled when it aborts: it rejects with
   * the signal's reason, and the embedder's call it waits on gets the abort
   * (an HTTP embedder closes its request). What the search was folding from
   * the log is folded whole; chunks whose vectors were being embedded for it
   * alone are embedded again by the next call.
   *
   * @throws ValidationError when an option is out of range or unknown (`kind` for `kinds`), or `signal` is no `AbortSignal`.
   * @throws NotFoundError (field `lines[i]`) when a line of `lines` is neither known to the `lines` option (the floor plan in a factory) nor filed on by any revision of a document: a mistyped line would find nothing. Without the option every line is accepted.
   * @throws the signal's `reason` when `signal` aborts before the search ends.
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    this.#assertOpen();
    const text = parseInput(SearchQuerySchema, query, "search query");
    return this.#reader.search(text, parseInput(SearchOptionsSchema, options, "search options"));
  }

  /**
   * Stops following the log, after the checkpoint in progress, and saves the
   * caches when enough events were folded after their position (one in 20 of
   * the documents, at most `checkpointEvery`) or their vectors were rebuilt;
   * fewer events are left for the next open to fold after the caches.
   */
  async close(): Promise<void> {
    await this.#projection.close();
  }

  /** Same as {@link KnowledgeBase.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #assertOpen(): void {
    this.#projection.assertOpen();
  }
}
