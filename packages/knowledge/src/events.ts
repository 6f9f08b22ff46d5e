/**
 * The events of the knowledge base. The document store and the indexes are
 * folded from them.
 *
 * @module
 */
import { defineEvent } from "@software-factory/core";
import { z } from "zod";
import { DecisionSchema, DocumentKindSchema, LinkSchema, SourceSchema } from "./schemas.js";

const Content = {
  /** The document's title in this version. */
  title: z.string().min(1),
  /** Its markdown body in this version, in full. */
  body: z.string(),
  /** sha256 of the canonical title, body and decision: a revision with the same hash is not recorded. */
  contentHash: z.string().length(64),
  /** Its tags in this version. */
  tags: z.array(z.string()),
  /** Ids of the floor-plan lines it concerns in this version. */
  lines: z.array(z.string()),
  /** Since when the fact holds, an ISO 8601 instant in UTC. */
  validFrom: z.string(),
  /** Until when it holds, an ISO 8601 instant in UTC; absent while it still holds. */
  validTo: z.string().optional(),
  /** The structured decision, for a `decision` document. */
  decision: DecisionSchema.optional(),
  /**
   * sha256 of what the source gave, on a capture or revision by
   * `captureOrRevise`: what a re-import compares its source with. Absent on
   * other writes, and on those of logs written before it was recorded.
   */
  sourceHash: z.string().length(64).optional(),
};

/** A document entered the knowledge base. Subject: the document id. */
export const DocumentCaptured = defineEvent(
  "knowledge.document.captured",
  z.object({
    /** What the document is. */
    kind: DocumentKindSchema,
    /** Where it came from: system, address, author, capture time. */
    source: SourceSchema,
    /** Its typed links at capture; later ones come as `knowledge.document.linked` events. */
    links: z.array(LinkSchema),
    /** Ids of the documents it replaces; each gets its own `knowledge.document.superseded` event. */
    supersedes: z.array(z.string()),
    /** The idempotency key of the capture, so a retry with the key returns this document. */
    key: z.string().optional(),
    ...Content,
  }),
);

/** A document's content or metadata changed. Subject: the document id. */
export const DocumentRevised = defineEvent(
  "knowledge.document.revised",
  z.object({
    ...Content,
    /** Why it was revised, when the writer said. */
    reason: z.string().optional(),
  }),
);

/** A newer document replaced this one; it stays as history. Subject: the replaced document id. */
export const DocumentSuperseded = defineEvent(
  "knowledge.document.superseded",
  z.object({
    /** The id of the document that replaced it. */
    by: z.string(),
  }),
);

/** A typed link was added. Subject: the document id. */
export const DocumentLinked = defineEvent("knowledge.document.linked", LinkSchema);

/** A typed link was removed. Subject: the document id. */
export const DocumentUnlinked = defineEvent("knowledge.document.unlinked", LinkSchema);

/** A document was withdrawn (wrong, deleted at its source); kept in history, out of search. Subject: the document id. */
export const DocumentRetracted = defineEvent(
  "knowledge.document.retracted",
  z.object({
    /** Why it was withdrawn. */
    reason: z.string(),
    /** Set when it was withdrawn because its source is gone (its file deleted), not because it was wrong. */
    sourceGone: z.literal(true).optional(),
  }),
);

/**
 * A document's source address changed within its source system (its file was
 * renamed or moved): the document keeps its id, links, decisions and lines,
 * and is found at the new address from now on. Subject: the document id.
 */
export const DocumentMoved = defineEvent(
  "knowledge.document.moved",
  z.object({
    /** The address it had, absent when it had none. */
    from: z.string().optional(),
    /** The address it has now. */
    to: z.string().min(1),
    /** Why it moved, when the writer said (`docs/a.md was renamed to docs/b.md`). */
    reason: z.string().optional(),
  }),
);

/** Every event type of the knowledge base, to register on a log. */
export const knowledgeEvents = [
  DocumentCaptured,
  DocumentRevised,
  DocumentSuperseded,
  DocumentLinked,
  DocumentUnlinked,
  DocumentRetracted,
  DocumentMoved,
] as const;
