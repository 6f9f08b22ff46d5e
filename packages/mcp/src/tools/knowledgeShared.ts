/**
 * What the `knowledge` tools that read or write one document share: the
 * look-ups that refuse an unknown document, naming the argument, before
 * anything is written; the answer of a write; and a typed link as the tools
 * take it.
 *
 * @module
 */
import { NotFoundError } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { CaptureInputSchema, type KnowledgeDocument, LinkSchema } from "@software-factory/knowledge";
import { z } from "zod";

/**
 * The document of `id` (as it read at `asOf`, when given).
 *
 * @throws NotFoundError naming the argument `id`, its value (and the instant),
 *   and where ids come from, as link_knowledge names it.
 */
export async function requireDocument(
  factory: Factory,
  id: string,
  asOf?: string,
): Promise<KnowledgeDocument> {
  const document = await factory.knowledge.get(id, asOf === undefined ? {} : { asOf });
  if (document !== undefined) return document;
  throw new NotFoundError({
    message: `id: no document "${id}"${asOf === undefined ? "" : ` at ${asOf}`}; search_knowledge and list_knowledge give ids`,
    entity: "document",
    id,
    field: "id",
  });
}

/**
 * Refuses a `supersedes` entry that names no document, by its place
 * (`supersedes[1]`), before anything is written. A retracted document is
 * found, and refused by the knowledge base as retracted.
 *
 * @throws NotFoundError naming the entry and where ids come from.
 */
export async function requireSuperseded(factory: Factory, ids: readonly string[]): Promise<void> {
  for (const [index, id] of ids.entries()) {
    if ((await factory.knowledge.get(id)) !== undefined) continue;
    const field = `supersedes[${index}]`;
    throw new NotFoundError({
      message: `${field}: no document "${id}"; search_knowledge and list_knowledge give ids`,
      entity: "document",
      id,
      field,
    });
  }
}

/** What a knowledge write answers: the document's id, the log position of its last event, and its revision count. */
export const Stored = z.object({ id: z.string(), seq: z.number(), revision: z.number().optional() });
/** The {@link Stored} answer of a written document. */
export const stored = (document: { id: string; seq: number; revisions: readonly unknown[] }) => ({
  id: document.id,
  seq: document.seq,
  revision: document.revisions.length,
});

/** A typed link of a document, as `capture_knowledge` and `link_knowledge` take it; unknown keys refused. */
export const DocumentLink = z.strictObject({
  type: LinkSchema.shape.type.describe("What the link means (relatesTo, informs, evidenceFor)"),
  target: LinkSchema.shape.target.describe(
    "Id of a document (list_knowledge), work item (wi_..., list_work), signal (sig_..., capture_signal) or artifact (record_artifact)",
  ),
});

/**
 * The most items the knowledge base's schema of a list takes (its
 * `maxItems`), so that a tool's list of its own items keeps the limit
 * without typing the number twice.
 */
function maxItemsOf(list: z.ZodType): number {
  const { maxItems } = z.toJSONSchema(list, { io: "input" });
  if (typeof maxItems !== "number") throw new Error("the knowledge base's list has no maxItems");
  return maxItems;
}

/** The typed links `capture_knowledge` takes: {@link DocumentLink}s, at most as many as the knowledge base keeps. */
export const DocumentLinks = z.array(DocumentLink).max(maxItemsOf(CaptureInputSchema.shape.links));
