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
  title: z.string().min(1),
  body: z.string(),
  /** sha256 of the canonical title, body and decision: a revision with the same hash is not recorded. */
  contentHash: z.string().length(64),
  tags: z.array(z.string()),
  lines: z.array(z.string()),
  validFrom: z.string(),
  validTo: z.string().optional(),
  decision: DecisionSchema.optional(),
};

/** A document entered the knowledge base. Subject: the document id. */
export const DocumentCaptured = defineEvent(
  "knowledge.document.captured",
  z.object({
    kind: DocumentKindSchema,
    source: SourceSchema,
    links: z.array(LinkSchema),
    supersedes: z.array(z.string()),
    /** The idempotency key of the capture, so a retry with the key returns this document. */
    key: z.string().optional(),
    ...Content,
  }),
);

/** A document's content or metadata changed. Subject: the document id. */
export const DocumentRevised = defineEvent(
  "knowledge.document.revised",
  z.object({ ...Content, reason: z.string().optional() }),
);

/** A newer document replaced this one; it stays as history. Subject: the replaced document id. */
export const DocumentSuperseded = defineEvent("knowledge.document.superseded", z.object({ by: z.string() }));

/** A typed link was added. Subject: the document id. */
export const DocumentLinked = defineEvent("knowledge.document.linked", LinkSchema);

/** A typed link was removed. Subject: the document id. */
export const DocumentUnlinked = defineEvent("knowledge.document.unlinked", LinkSchema);

/** A document was withdrawn (wrong, deleted at its source); kept in history, out of search. Subject: the document id. */
export const DocumentRetracted = defineEvent(
  "knowledge.document.retracted",
  z.object({ reason: z.string() }),
);

/** Every event type of the knowledge base, to register on a log. */
export const knowledgeEvents = [
  DocumentCaptured,
  DocumentRevised,
  DocumentSuperseded,
  DocumentLinked,
  DocumentUnlinked,
  DocumentRetracted,
] as const;
