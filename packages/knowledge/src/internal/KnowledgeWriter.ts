/**
 * The writes of a knowledge base and how they stay right when several
 * writers race: idempotency keys that make a capture, a source address's
 * capture, a revision and a retraction land once, whoever wins, and the
 * loser's re-read of the winner's document.
 *
 * @module
 */
import {
  type EventLog,
  formatIssues,
  hashJson,
  IdempotencyConflictError,
  type KnownLines,
  type NewEvent,
  newId,
  ValidationError,
} from "@software-factory/core";
import type { z } from "zod";
import type { KnowledgeDocument } from "../DocumentStore.js";
import { DocumentRetractedError } from "../errors.js";
import { DocumentLinked, DocumentMoved, DocumentRetracted, DocumentUnlinked } from "../events.js";
import type {
  CaptureOrReviseOptions,
  CaptureOrReviseResult,
  MoveOptions,
  RetractOptions,
  WriteOptions,
} from "../KnowledgeBase.js";
import type { CaptureInputSchema, Link, ReviseInputSchema, SourcedCaptureInputSchema } from "../schemas.js";
import { appendOnKnownLines, type LineCheck } from "./appendOnKnownLines.js";
import { requireDecision, sameCapture } from "./captureGuards.js";
import { appendDecided, writeOptionsOf } from "./decidedAppends.js";
import { captureEvents, revisionEvent } from "./documentEvents.js";
import type { KnowledgeProjection } from "./KnowledgeProjection.js";
import {
  capturedAnewWarning,
  keepSupersession,
  lastImported,
  type Retraction,
  replacedWarnings,
  skippedWarning,
  sourceHashOf,
  sourceUnchanged,
} from "./reimports.js";
import { requireLinkable, requireUnretracted } from "./retractedGuards.js";

/**
 * How many times a write retries after losing a race for the same document to
 * another writer; each loss means that writer made progress, so this is only
 * a guard against a key reused by something else.
 */
const MAX_RACES = 100;

/** What a {@link KnowledgeWriter} appends to and reads back from. */
export interface KnowledgeWriterOptions {
  readonly log: EventLog;
  /** The floor plan's lines, to check the lines a write names; every line is accepted without. */
  readonly lines: KnownLines | undefined;
  /** The documents the writes read, synced before and after each write. */
  readonly projection: KnowledgeProjection;
}

/**
 * Appends the events of each write (inputs already validated) and returns the
 * document as the projection folds it; the contracts are those of the
 * `KnowledgeBase` methods of the same names.
 */
export class KnowledgeWriter {
  readonly #log: EventLog;
  readonly #lines: KnownLines | undefined;
  readonly #projection: KnowledgeProjection;
  readonly #parts: KnowledgeWriterOptions;

  constructor(options: KnowledgeWriterOptions) {
    this.#parts = options;
    this.#log = options.log;
    this.#lines = options.lines;
    this.#projection = options.projection;
  }

  /**
   * Captures a document; a capture whose key was used before returns that
   * capture's document, unless it superseded documents and has been
   * retracted since.
   */
  async capture(
    parsed: z.output<typeof CaptureInputSchema>,
    options: WriteOptions,
  ): Promise<KnowledgeDocument> {
    await this.#projection.sync();
    const key = options.idempotencyKey;
    const earlier = key === undefined ? undefined : this.#projection.documents.byKey(key);
    if (earlier !== undefined) return sameCapture(earlier, parsed.title, parsed.body, key as string);
    const id = newId("doc");
    try {
      await this.#appendCapture(id, parsed, key, options);
    } catch (error) {
      // Another process captured with the same key between our check and our append.
      await this.#projection.sync();
      const winner = key === undefined ? undefined : this.#projection.documents.byKey(key);
      if (winner === undefined) throw error;
      return sameCapture(winner, parsed.title, parsed.body, key as string);
    }
    await this.#projection.sync();
    return this.#projection.require(id);
  }

  /**
   * Keeps one document per source address: revises the live document of the
   * address, else captures one with a key derived from the address and the
   * document it follows, so that of two racing writers one captures and the
   * other revises (or finds nothing to change), whatever keys they were given.
   * A caller's key is kept on the capture (a retry answers that capture's
   * document, as {@link capture} does) or given to the revision (the log
   * refuses it when it was used for another write). Each write records the
   * hash of what the source gave; with `reimport`, the source is compared
   * with the last write's, as {@link CaptureOrReviseOptions.reimport} says.
   */
  async captureOrRevise(
    parsed: z.output<typeof SourcedCaptureInputSchema>,
    options: CaptureOrReviseOptions,
  ): Promise<CaptureOrReviseResult> {
    const { system, uri } = parsed.source;
    const callerKey = options.idempotencyKey;
    const write = options.actor === undefined ? {} : { actor: options.actor };
    const revision = callerKey === undefined ? write : { ...write, idempotencyKey: callerKey };
    const sourceHash = sourceHashOf(parsed, options.sourceVersion);
    const reimport = options.reimport === true;
    for (let attempt = 1; ; attempt += 1) {
      await this.#projection.sync();
      // A capture made with the caller's key before (a retry): answer it, as capture does.
      const earlier = callerKey === undefined ? undefined : this.#projection.documents.byKey(callerKey);
      if (earlier !== undefined)
        return {
          document: sameCapture(earlier, parsed.title, parsed.body, callerKey as string),
          outcome: "captured",
          warnings: [],
        };
      const existing = this.#projection.documents.bySource(system, uri);
      const last = existing === undefined || !reimport ? undefined : lastImported(existing, options.reason);
      const sameSource = last !== undefined && sourceUnchanged(last, parsed, sourceHash);
      if (existing !== undefined && existing.retracted === undefined) {
        // A decision a later one superseded stays superseded, whatever status its source gives.
        const kept = reimport ? keepSupersession(existing, parsed) : { parsed, warnings: [] };
        const source = kept.parsed;
        // A source unchanged since its last import writes nothing: a revision made by hand since stays.
        if (sameSource) return { document: existing, outcome: "unchanged", warnings: kept.warnings };
        const revised = await this.revise(
          existing.id,
          {
            title: source.title,
            body: source.body,
            tags: source.tags,
            lines: source.lines,
            ...(source.validFrom === undefined ? {} : { validFrom: source.validFrom }),
            validTo: source.validTo ?? null,
            ...(source.decision === undefined ? {} : { decision: source.decision }),
            ...(options.reason === undefined ? {} : { reason: options.reason }),
          },
          revision,
          sourceHash,
        ).catch((error: unknown) => {
          // Retracted since we read it: the next attempt captures the address again.
          if (error instanceof DocumentRetractedError && attempt < MAX_RACES) return undefined;
          throw error;
        });
        if (revised === undefined) continue;
        if (!revised.changed)
          return { document: revised.document, outcome: "unchanged", warnings: kept.warnings };
        const warnings = [...kept.warnings, ...(reimport ? replacedWarnings(revised.document, last) : [])];
        return { document: revised.document, outcome: "revised", warnings };
      }
      const retraction = reimport && existing !== undefined ? await this.#retraction(existing) : undefined;
      // A document retracted for what it said stays out while its source is unchanged.
      if (existing !== undefined && retraction !== undefined && sameSource)
        return { document: existing, outcome: "unchanged", warnings: [skippedWarning(existing, retraction)] };
      const id = newId("doc");
      // The one capture of this address after `existing` (and after the last move away from it): a writer racing us
      // holds the same key, whatever key its caller gave; the caller's key is kept on the capture, for a retry.
      const vacated = this.#projection.documents.vacatedAt(system, uri);
      const after = vacated === undefined ? [] : [vacated];
      const key = `knowledge.source:${hashJson([system, uri, existing?.id ?? null, ...after])}`;
      try {
        await this.#appendCapture(id, parsed, callerKey, { ...write, idempotencyKey: key }, sourceHash);
      } catch (error) {
        if (error instanceof IdempotencyConflictError && attempt < MAX_RACES) continue;
        throw error;
      }
      await this.#projection.sync();
      const captured = this.#projection.require(id);
      const warnings =
        existing === undefined || retraction === undefined
          ? []
          : [capturedAnewWarning(captured, existing, retraction)];
      return { document: captured, outcome: "captured", warnings };
    }
  }

  /**
   * The retraction of a retracted document as a re-import names it (when,
   * by whom, why), read from its event; `undefined` when it is not
   * retracted, or was retracted because its source is gone (`sourceGone`).
   */
  async #retraction(document: KnowledgeDocument): Promise<Retraction | undefined> {
    if (document.retracted === undefined) return undefined;
    const [event] = await this.#log.read({
      subjects: [document.id],
      types: [DocumentRetracted.type],
      limit: 1,
    });
    if (event !== undefined && DocumentRetracted.is(event) && event.data.sourceGone === true)
      return undefined;
    const { at, reason } = document.retracted;
    return { at, reason, actor: event?.actor ?? "unknown" };
  }

  /**
   * Records a revision unless it changes nothing; a retracted document is
   * refused (a retraction cannot be undone). Without a caller's key, the
   * append claims the document's next revision number as its key, so two
   * writers revising the same revision record one revision: the loser reads
   * the winner's and revises that (or finds nothing left to change).
   */
  revise(
    id: string,
    parsed: z.output<typeof ReviseInputSchema>,
    options: WriteOptions,
    sourceHash?: string,
  ): Promise<{ document: KnowledgeDocument; changed: boolean }> {
    return this.#namingWrite(options.idempotencyKey, `revise ${id}`, () =>
      this.#revise(id, parsed, options, sourceHash),
    );
  }

  async #revise(
    id: string,
    parsed: z.output<typeof ReviseInputSchema>,
    options: WriteOptions,
    sourceHash: string | undefined,
  ): Promise<{ document: KnowledgeDocument; changed: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      let unchanged: KnowledgeDocument | undefined;
      try {
        await this.#appendDecided(
          () => {
            const current = requireUnretracted(this.#projection.require(id), "revised");
            const event = revisionEvent(current, parsed, sourceHash);
            if (event === undefined) {
              unchanged = current;
              return undefined;
            }
            const key = options.idempotencyKey ?? `knowledge.revision:${id}:${current.revisions.length + 1}`;
            return { events: [event], idempotencyKey: key };
          },
          options,
          { lines: parsed.lines ?? [], subject: `revision of ${id}` },
        );
      } catch (error) {
        const lostRace = error instanceof IdempotencyConflictError && options.idempotencyKey === undefined;
        if (lostRace && attempt < MAX_RACES) continue;
        throw error;
      }
      if (unchanged !== undefined) return { document: unchanged, changed: false };
      await this.#projection.sync();
      return { document: this.#projection.require(id), changed: true };
    }
  }

  /**
   * Runs a write made with a caller's idempotency key, and tells the log's
   * refusal of the key (used before for another batch of events) with the
   * write it was given for: `idempotency key "k" was already used for another
   * write, not to link doc_a to doc_b (relatesTo); use a new key`. A key that
   * captured a document is refused so too, before anything is written: the
   * log holds the key of a capture by `captureOrRevise` only in its event
   * (the append claims the source address's key).
   *
   * @throws IdempotencyConflictError naming the write, when the key was used before for another write.
   */
  async #namingWrite<T>(key: string | undefined, wanted: string, write: () => Promise<T>): Promise<T> {
    const refused = () =>
      new IdempotencyConflictError({
        message: `idempotency key "${key}" was already used for another write, not to ${wanted}; use a new key`,
        key: key as string,
      });
    if (key !== undefined) {
      await this.#projection.sync();
      if (this.#projection.documents.byKey(key) !== undefined) throw refused();
    }
    try {
      return await write();
    } catch (error) {
      if (key === undefined || !(error instanceof IdempotencyConflictError) || error.key !== key) throw error;
      throw refused();
    }
  }

  /** Adds a typed link from a document; a retracted document, or a link to one, is refused. */
  link(id: string, link: Link, options: WriteOptions): Promise<KnowledgeDocument> {
    return this.#namingWrite(options.idempotencyKey, `link ${id} to ${link.target} (${link.type})`, () =>
      this.#changeLink(DocumentLinked.type, id, link, options),
    );
  }

  /** Removes a typed link from a document; a retracted document is refused. */
  unlink(id: string, link: Link, options: WriteOptions): Promise<KnowledgeDocument> {
    return this.#namingWrite(options.idempotencyKey, `unlink ${id} from ${link.target} (${link.type})`, () =>
      this.#changeLink(DocumentUnlinked.type, id, link, options),
    );
  }

  /**
   * Moves a document to another address of its source system, checked and
   * appended as one step: a retracted document is refused, as is an address
   * another live document holds; a document already there writes nothing.
   */
  move(id: string, uri: string, options: MoveOptions): Promise<KnowledgeDocument> {
    return this.#namingWrite(options.idempotencyKey, `move ${id} to ${uri}`, () =>
      this.#move(id, uri, options),
    );
  }

  async #move(id: string, uri: string, options: MoveOptions): Promise<KnowledgeDocument> {
    const { reason, ...write } = options;
    await this.#appendDecided(() => {
      const document = requireUnretracted(this.#projection.require(id), "moved");
      const { system, uri: from } = document.source;
      if (from === uri) return undefined;
      const holder = this.#projection.documents.bySource(system, uri);
      if (holder !== undefined && holder.retracted === undefined) {
        const message = `${uri} is the address of document ${holder.id} ("${holder.title}") in ${system}; retract that document first, or move ${id} elsewhere`;
        const issues = [{ path: "uri", message }];
        throw new ValidationError({ message: formatIssues(`move of ${id}`, issues), issues });
      }
      const data = {
        ...(from === undefined ? {} : { from }),
        to: uri,
        ...(reason === undefined ? {} : { reason }),
      };
      return { events: [{ type: DocumentMoved.type, subject: id, data }] };
    }, write);
    await this.#projection.sync();
    return this.#projection.require(id);
  }

  /**
   * Retracts a document once: a document already retracted (by us or a
   * racing writer) is returned as it is. `sourceGone` is kept on the event.
   */
  retract(id: string, reason: string, options: RetractOptions): Promise<KnowledgeDocument> {
    return this.#namingWrite(options.idempotencyKey, `retract ${id}`, () =>
      this.#retract(id, reason, options),
    );
  }

  async #retract(id: string, reason: string, options: RetractOptions): Promise<KnowledgeDocument> {
    await this.#projection.sync();
    const current = this.#projection.require(id);
    if (current.retracted !== undefined) return current;
    const { sourceGone, ...write } = options;
    const data = sourceGone === true ? { reason, sourceGone: true as const } : { reason };
    try {
      // A document is retracted once: a writer racing us for the same document holds the same key.
      await this.#append([{ type: DocumentRetracted.type, subject: id, data }], {
        ...write,
        idempotencyKey: options.idempotencyKey ?? `knowledge.retraction:${id}`,
      });
    } catch (error) {
      if (!(error instanceof IdempotencyConflictError) || options.idempotencyKey !== undefined) throw error;
    }
    await this.#projection.sync();
    return this.#projection.require(id);
  }

  /**
   * Appends a link change if the document is still unretracted when it lands,
   * and, for a new link, its target too (see {@link #appendDecided}). A link
   * to a retracted document may still be removed. A change that would change
   * nothing (the link is already there, or already gone) appends nothing.
   */
  async #changeLink(
    type: typeof DocumentLinked.type | typeof DocumentUnlinked.type,
    id: string,
    link: Link,
    options: WriteOptions,
  ): Promise<KnowledgeDocument> {
    const change = type === DocumentLinked.type ? "linked" : "unlinked";
    await this.#appendDecided(() => {
      const document = this.#projection.require(id);
      requireUnretracted(document, change);
      if (change === "linked")
        requireLinkable(this.#projection.documents.get(link.target), `link of ${id}`, "target");
      const has = document.links.some((known) => known.type === link.type && known.target === link.target);
      // Linking a link the document has, or unlinking one it has not, changes nothing: nothing is written.
      if (has === (change === "linked")) return undefined;
      return { events: [{ type, subject: id, data: link }] };
    }, options);
    await this.#projection.sync();
    return this.#projection.require(id);
  }

  /**
   * Appends the capture of `parsed` as document `id`. One that supersedes
   * documents or links to a document lands only if none of those documents
   * is retracted by then (see {@link #appendDecided}). One that names no
   * document (its links name artifacts, or nothing) reads none, so it is
   * appended as it is and never waits on other writers: a link cannot name a
   * document captured after the projection was synced at the start of the
   * write, since the caller learns a document's id only once it is captured.
   */
  #appendCapture(
    id: string,
    parsed: z.output<typeof CaptureInputSchema>,
    key: string | undefined,
    options: WriteOptions,
    sourceHash?: string,
  ): Promise<unknown> {
    const check = { lines: parsed.lines, subject: "document" };
    const known = (target: string) => this.#projection.documents.get(target);
    const namesDocuments =
      parsed.supersedes.length > 0 || parsed.links.some((link) => known(link.target) !== undefined);
    if (!namesDocuments)
      return this.#append(captureEvents(id, parsed, key, this.#log.clock.now(), sourceHash), options, check);
    return this.#appendDecided(
      () => {
        for (const [index, old] of parsed.supersedes.entries()) {
          const earlier = requireUnretracted(
            this.#projection.require(old),
            "superseded",
            `supersedes[${index}]`,
          );
          if (parsed.kind === "decision") requireDecision(earlier, `supersedes[${index}]`);
        }
        for (const [index, link] of parsed.links.entries())
          requireLinkable(known(link.target), "document", `links[${index}].target`);
        return { events: captureEvents(id, parsed, key, this.#log.clock.now(), sourceHash) };
      },
      options,
      check,
    );
  }

  /** Decides and appends as one step, against this writer's log, lines and documents (see {@link appendDecided}). */
  #appendDecided(
    decide: () => { readonly events: NewEvent[]; readonly idempotencyKey?: string } | undefined,
    options: WriteOptions,
    check: LineCheck = { lines: [], subject: "" },
  ): Promise<void> {
    return appendDecided(this.#parts, decide, options, check);
  }

  /**
   * Appends events with the write's key and actor; when they name lines
   * (`check`), only if those lines exist when the events land (see
   * {@link appendOnKnownLines}).
   *
   * @throws NotFoundError when a named line does not exist (with the `lines` option).
   */
  async #append(events: NewEvent[], options: WriteOptions, check: LineCheck = { lines: [], subject: "" }) {
    return appendOnKnownLines(this.#log, this.#lines, events, writeOptionsOf(options), check);
  }
}
