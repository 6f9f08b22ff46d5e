/**
 * The document store: documents with their revisions, folded from the log.
 *
 * @module
 */
import type { StoredEvent } from "@software-factory/core";
import { uncheckedRevisionAt, uncheckedRevisionInForce, withRevision } from "./documentAt.js";
import {
  DocumentCaptured,
  DocumentLinked,
  DocumentMoved,
  DocumentRetracted,
  DocumentRevised,
  DocumentSuperseded,
  DocumentUnlinked,
} from "./events.js";
import { utcInstant } from "./internal/instant.js";
import type { Decision, DocumentKind, Link, Source } from "./schemas.js";

/** One recorded state of a document's content. */
export interface Revision {
  /** 1 for the capture, then 2, 3, ... */
  readonly revision: number;
  /** Log position of the event that recorded it. */
  readonly seq: number;
  /** When it was recorded. */
  readonly at: string;
  /** Who recorded it. */
  readonly actor: string;
  /** The document's title in this revision. */
  readonly title: string;
  /** The markdown body in this revision. */
  readonly body: string;
  /** The document's tags in this revision. */
  readonly tags: readonly string[];
  /** Ids of the floor-plan lines the document concerned in this revision. */
  readonly lines: readonly string[];
  /** SHA-256 (hex) of this revision's title, body and decision; equal hashes mean equal content. */
  readonly contentHash: string;
  /** Since when the fact holds, as an ISO 8601 UTC timestamp. */
  readonly validFrom: string;
  /** Until when it held, as an ISO 8601 UTC timestamp; absent while it still holds. */
  readonly validTo?: string;
  /** The decision's fields, for a decision document; absent otherwise. */
  readonly decision?: Decision;
  /** Why it was revised, when given. */
  readonly reason?: string;
  /**
   * On a capture or revision by `captureOrRevise`: SHA-256 (hex) of what the
   * source gave, which a re-import compares its source with (absent on other
   * writes, and in logs written before it was recorded).
   */
  readonly sourceHash?: string;
}

/** A change of a document's source address (its file renamed), see `KnowledgeBase.move`. */
export interface Move {
  /** The address it had, absent when it had none. */
  readonly from?: string;
  /** The address it moved to. */
  readonly to: string;
  /** When it moved, as an ISO 8601 UTC timestamp. */
  readonly at: string;
  /** Log position of the event that moved it. */
  readonly seq: number;
  /** Why it moved, when given. */
  readonly reason?: string;
}

/** A document as the knowledge base holds it now, with its history. */
export interface KnowledgeDocument {
  /** The document's id. */
  readonly id: string;
  /** What sort of document it is (`decision`, `note`, `conversation`, ...). */
  readonly kind: DocumentKind;
  /** Title of the latest revision. */
  readonly title: string;
  /** Markdown body of the latest revision. */
  readonly body: string;
  /** Where it came from: the source system, and its URI, author and capture time when known. */
  readonly source: Source;
  /** Free-form tags, as given at capture or last revision. */
  readonly tags: readonly string[];
  /** Ids of the floor-plan lines this document concerns. */
  readonly lines: readonly string[];
  /** Typed links to other documents or assembly-line artifacts. */
  readonly links: readonly Link[];
  /** Since when the fact holds (defaults to when it was captured at its source, else recorded). */
  readonly validFrom: string;
  /** Until when it held, when it no longer does. */
  readonly validTo?: string;
  /** Documents this one replaced. */
  readonly supersedes: readonly string[];
  /** The document that replaced this one, and when. */
  readonly supersededBy?: {
    /** Id of the replacing document. */
    readonly id: string;
    /** When it was superseded, as an ISO 8601 UTC timestamp. */
    readonly at: string;
  };
  /** Set when the document was withdrawn. */
  readonly retracted?: {
    /** When it was retracted, as an ISO 8601 UTC timestamp. */
    readonly at: string;
    /** Why, as the retracting caller gave it. */
    readonly reason: string;
  };
  /** The decision's fields in the latest revision, for a decision document; absent otherwise. */
  readonly decision?: Decision;
  /** SHA-256 (hex) of the latest revision's title, body and decision. */
  readonly contentHash: string;
  /** Every revision, oldest first; the last one is the current content. */
  readonly revisions: readonly Revision[];
  /** Its changes of source address, oldest first, when it moved (`source.uri` is the last one's `to`). */
  readonly moves?: readonly Move[];
  /** When the document was captured, as an ISO 8601 UTC timestamp. */
  readonly createdAt: string;
  /** When the last event about it was recorded, as an ISO 8601 UTC timestamp. */
  readonly updatedAt: string;
  /** Log position of the last event about this document. */
  readonly seq: number;
}

/**
 * An event about a document other than a revision (a link made or removed, a
 * move, a supersession, a retraction), kept so that a reading as of an
 * earlier instant leaves it out.
 */
interface Change {
  readonly seq: number;
  readonly at: string;
  /** The document's links before the change, when it changed them. */
  readonly linksBefore?: readonly Link[];
}

/** What a {@link DocumentStore} saves in the caches: its documents, and which capture each idempotency key made. */
export interface DocumentStoreSnapshot {
  readonly documents: readonly KnowledgeDocument[];
  /** Idempotency key of a capture and the id of the document it captured. */
  readonly keys: readonly (readonly [string, string])[];
  /** A document's id and its events other than revisions, oldest first, for readings as of an instant. */
  readonly changes: readonly (readonly [string, readonly Change[]])[];
}

/**
 * Documents folded from the knowledge events. `apply` returns the ids whose
 * searchable content changed, so the indexes can follow.
 */
export class DocumentStore {
  readonly #documents: Map<string, KnowledgeDocument>;
  /**
   * `system uri` → id of the document that arrived there last (captured or
   * moved there) of those whose address it is, for importers that re-import
   * the same sources.
   */
  readonly #bySource = new Map<string, string>();
  /** `system uri` → log position of the last move of a document away from it. */
  readonly #vacated = new Map<string, number>();
  /** Idempotency key of a capture → document id. */
  readonly #byKey = new Map<string, string>();
  /** Document id → its events other than revisions, oldest first. */
  readonly #changes: Map<string, Change[]>;

  /** A store holding what a snapshot saved (documents, capture keys and changes), or nothing. */
  constructor(snapshot: DocumentStoreSnapshot = { documents: [], keys: [], changes: [] }) {
    this.#changes = new Map(snapshot.changes.map(([id, changes]) => [id, [...changes]]));
    this.#documents = new Map(snapshot.documents.map((document) => [document.id, document]));
    for (const document of this.#documents.values()) {
      this.#indexSource(document);
      for (const move of document.moves ?? []) {
        const from = move.from === undefined ? undefined : sourceKey(document.source.system, move.from);
        if (from !== undefined && move.seq > (this.#vacated.get(from) ?? 0))
          this.#vacated.set(from, move.seq);
      }
    }
    for (const [key, id] of snapshot.keys) this.#byKey.set(key, id);
  }

  /**
   * What the caches keep of the store, for {@link DocumentStore}'s constructor
   * to restore: a copy, which the events folded after it leave as it is.
   */
  snapshot(): DocumentStoreSnapshot {
    return {
      documents: [...this.#documents.values()],
      keys: [...this.#byKey],
      changes: [...this.#changes].map(([id, changes]) => [id, [...changes]]),
    };
  }

  /** Number of documents, retracted and superseded included. */
  get size(): number {
    return this.#documents.size;
  }

  /** A document by id. */
  get(id: string): KnowledgeDocument | undefined {
    return this.#documents.get(id);
  }

  /** The document captured from a source address, if any. */
  bySource(system: string, uri: string): KnowledgeDocument | undefined {
    const id = this.#bySource.get(sourceKey(system, uri));
    return id === undefined ? undefined : this.#documents.get(id);
  }

  /**
   * Log position of the last move of a document away from a source address,
   * if one moved away: a capture there after it is a new capture of the address.
   */
  vacatedAt(system: string, uri: string): number | undefined {
    return this.#vacated.get(sourceKey(system, uri));
  }

  /** The document captured with an idempotency key, if any. */
  byKey(key: string): KnowledgeDocument | undefined {
    const id = this.#byKey.get(key);
    return id === undefined ? undefined : this.#documents.get(id);
  }

  /**
   * A document as every `asOf` read has it (`get`, `list`, `search`): at
   * its revision in force then ({@link uncheckedRevisionAt}: the last one
   * recorded by then, else the first), with that revision's title, body,
   * tags, lines, validity and decision, the revisions up to it, the links
   * and source address it had then (when that revision was recorded later,
   * those it had when recorded), and the time and log position of its last
   * event by then; `undefined` when no document has this id or that
   * revision's `validFrom` is after `at`. Its supersession and retraction
   * are kept whenever they came, so a reader of the past sees what became
   * of it.
   */
  asOf(id: string, at: string): KnowledgeDocument | undefined {
    const document = this.#documents.get(id);
    if (document === undefined || uncheckedRevisionAt(document, at) === undefined) return undefined;
    return this.inForceAt(document, at);
  }

  /**
   * A document as a search or a listing as of an instant reads it, which
   * has already checked that it is in force then: {@link asOf} without
   * the lookup and the check of its validity.
   */
  inForceAt(document: KnowledgeDocument, at: string): KnowledgeDocument {
    const revision = uncheckedRevisionInForce(document, at);
    return this.#readAt(document, revision, revision.at > at ? revision.at : at);
  }

  /** The document as of `at`, reading `revision` (the one in force then); itself when nothing changed since. */
  #readAt(document: KnowledgeDocument, revision: Revision, at: string): KnowledgeDocument {
    const latest = revision === document.revisions.at(-1);
    const changes = this.#changes.get(document.id);
    if (latest && changes === undefined) return document;
    const later = (changes ?? []).filter((change) => change.at > at);
    if (latest && later.length === 0) return document;
    const last = (changes ?? []).filter((change) => change.at <= at).at(-1);
    const touched = last !== undefined && last.seq > revision.seq ? last : revision;
    const links = later.find((change) => change.linksBefore !== undefined)?.linksBefore ?? document.links;
    const moves = (document.moves ?? []).filter((move) => move.at <= at);
    const movedAway = document.moves?.find((move) => move.at > at);
    const { moves: _moves, ...read } = withRevision(document, revision);
    return {
      ...read,
      source: movedAway === undefined ? document.source : atAddress(document.source, movedAway.from),
      links,
      ...(moves.length === 0 ? {} : { moves }),
      revisions: document.revisions.slice(0, revision.revision),
      updatedAt: touched.at,
      seq: touched.seq,
    };
  }

  /** Every document, in capture order. */
  all(): IterableIterator<KnowledgeDocument> {
    return this.#documents.values();
  }

  /** Folds one event; returns the id of a document whose searchable state changed, if any. */
  apply(event: StoredEvent): string | undefined {
    const id = event.subject;
    if (DocumentCaptured.is(event)) {
      const { data } = event;
      const document: KnowledgeDocument = {
        id,
        kind: data.kind,
        title: data.title,
        body: data.body,
        source: data.source,
        tags: data.tags,
        lines: data.lines,
        links: data.links,
        validFrom: utcInstant(data.validFrom),
        ...(data.validTo === undefined ? {} : { validTo: utcInstant(data.validTo) }),
        supersedes: data.supersedes,
        ...(data.decision === undefined ? {} : { decision: data.decision }),
        contentHash: data.contentHash,
        revisions: [revisionOf(event, 1, data)],
        createdAt: event.at,
        updatedAt: event.at,
        seq: event.seq,
      };
      this.#documents.set(id, document);
      this.#indexSource(document);
      if (data.key !== undefined) this.#byKey.set(data.key, id);
      return id;
    }
    const document = this.#documents.get(id);
    if (document === undefined) return undefined;
    const touched = { updatedAt: event.at, seq: event.seq };
    const change = (linksBefore?: readonly Link[]) => {
      const changes = this.#changes.get(id) ?? [];
      changes.push({ seq: event.seq, at: event.at, ...(linksBefore === undefined ? {} : { linksBefore }) });
      this.#changes.set(id, changes);
    };
    if (DocumentRevised.is(event)) {
      const { data } = event;
      const { validTo: _dropped, decision: _old, ...rest } = document;
      this.#documents.set(id, {
        ...rest,
        ...touched,
        title: data.title,
        body: data.body,
        tags: data.tags,
        lines: data.lines,
        validFrom: utcInstant(data.validFrom),
        ...(data.validTo === undefined ? {} : { validTo: utcInstant(data.validTo) }),
        ...(data.decision === undefined ? {} : { decision: data.decision }),
        contentHash: data.contentHash,
        revisions: [...document.revisions, revisionOf(event, document.revisions.length + 1, data)],
      });
      return id;
    }
    if (DocumentSuperseded.is(event)) {
      change();
      this.#documents.set(id, {
        ...document,
        ...touched,
        supersededBy: { id: event.data.by, at: event.at },
        ...(document.decision === undefined
          ? {}
          : { decision: { ...document.decision, status: "superseded" } }),
      });
      return id;
    }
    if (DocumentRetracted.is(event)) {
      change();
      this.#documents.set(id, {
        ...document,
        ...touched,
        retracted: { at: event.at, reason: event.data.reason },
      });
      return id;
    }
    if (DocumentMoved.is(event)) {
      const { from, to, reason } = event.data;
      const move: Move = {
        ...(from === undefined ? {} : { from }),
        to,
        at: event.at,
        seq: event.seq,
        ...(reason === undefined ? {} : { reason }),
      };
      const moved = {
        ...document,
        ...touched,
        source: { ...document.source, uri: to },
        moves: [...(document.moves ?? []), move],
      };
      change();
      this.#documents.set(id, moved);
      this.#indexSource(moved);
      if (from !== undefined) this.#vacate(document.source.system, from, event.seq);
      return undefined;
    }
    if (DocumentLinked.is(event)) {
      const link = event.data;
      const exists = document.links.some((held) => held.type === link.type && held.target === link.target);
      if (exists) return undefined;
      change(document.links);
      this.#documents.set(id, { ...document, ...touched, links: [...document.links, link] });
      return undefined;
    }
    if (DocumentUnlinked.is(event)) {
      const link = event.data;
      const links = document.links.filter((held) => held.type !== link.type || held.target !== link.target);
      change(document.links);
      this.#documents.set(id, { ...document, ...touched, links });
      return undefined;
    }
    return undefined;
  }

  /** Indexes a document at its address unless a document that arrived there later holds it. */
  #indexSource(document: KnowledgeDocument): void {
    if (document.source.uri === undefined) return;
    const key = sourceKey(document.source.system, document.source.uri);
    const held = this.#documents.get(this.#bySource.get(key) ?? "");
    if (held === undefined || held.id === document.id || arrival(held) <= arrival(document))
      this.#bySource.set(key, document.id);
  }

  /**
   * After a document moved away from an address: the address is held by the
   * document that arrived there last of those still there, if any (what a
   * store restored from a snapshot finds too).
   */
  #vacate(system: string, uri: string, seq: number): void {
    const key = sourceKey(system, uri);
    this.#vacated.set(key, seq);
    this.#bySource.delete(key);
    for (const document of this.#documents.values())
      if (document.source.system === system && document.source.uri === uri) this.#indexSource(document);
  }
}

/** Log position at which a document arrived at its address: its last move, else its capture. */
function arrival(document: KnowledgeDocument): number {
  return document.moves?.at(-1)?.seq ?? document.revisions[0]?.seq ?? document.seq;
}

/** A source at another address (none when `uri` is undefined). */
function atAddress(source: Source, uri: string | undefined): Source {
  const { uri: _uri, ...rest } = source;
  return uri === undefined ? rest : { ...rest, uri };
}

function sourceKey(system: string, uri: string): string {
  return `${system}\u0000${uri}`;
}

function revisionOf(
  event: StoredEvent,
  revision: number,
  data: {
    title: string;
    body: string;
    tags: readonly string[];
    lines: readonly string[];
    contentHash: string;
    validFrom: string;
    validTo?: string | undefined;
    decision?: Decision | undefined;
    reason?: string | undefined;
    sourceHash?: string | undefined;
  },
): Revision {
  return {
    revision,
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    title: data.title,
    body: data.body,
    tags: data.tags,
    lines: data.lines,
    contentHash: data.contentHash,
    validFrom: utcInstant(data.validFrom),
    ...(data.validTo === undefined ? {} : { validTo: utcInstant(data.validTo) }),
    ...(data.decision === undefined ? {} : { decision: data.decision }),
    ...(data.reason === undefined ? {} : { reason: data.reason }),
    ...(data.sourceHash === undefined ? {} : { sourceHash: data.sourceHash }),
  };
}
