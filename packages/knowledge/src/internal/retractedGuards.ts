/**
 * What a write may not do with a retracted document. A retraction cannot be
 * undone, so a retracted document is not revised, linked, unlinked or
 * superseded; no new link points at one (links made before it was retracted
 * stay: they are history); and a keyed retry of a supersede whose
 * replacement was retracted since does not pass for a replacement in force.
 * Each check throws `DocumentRetractedError`; the writer runs them where it
 * decides what to append, so a retraction that lands meanwhile is seen.
 *
 * @module
 */
import type { KnowledgeDocument } from "../DocumentStore.js";
import { DocumentRetractedError } from "../errors.js";

/**
 * The document, unless it is retracted.
 *
 * @param change - what the write would do to it (`revised`, `linked`...), for the message.
 * @param field - the input field that names it, when it is not the document the write is about (`supersedes[0]`).
 * @throws DocumentRetractedError naming the document, when and why it was retracted.
 */
export function requireUnretracted(
  document: KnowledgeDocument,
  change: "revised" | "linked" | "unlinked" | "superseded" | "moved",
  field?: string,
): KnowledgeDocument {
  const { retracted } = document;
  if (retracted === undefined) return document;
  throw retractedError(
    document,
    retracted,
    `document ${document.id} ("${document.title}") was retracted at ${retracted.at} (${retracted.reason}) and cannot be ${change}; capture a new document instead`,
    field,
  );
}

/**
 * Passes unless `target`, the document a new link points at (`undefined`
 * when the link names an artifact or nothing known), is retracted.
 *
 * @param subject - what the error calls the write (`document`, `link of doc_1`).
 * @param field - the input field holding the target (`target`, `links[2].target`).
 * @throws DocumentRetractedError naming the target and the field.
 */
export function requireLinkable(target: KnowledgeDocument | undefined, subject: string, field: string): void {
  const retracted = target?.retracted;
  if (target === undefined || retracted === undefined) return;
  throw retractedError(
    target,
    retracted,
    `${subject}: ${field} names document ${target.id} ("${target.title}"), which was retracted at ${retracted.at} (${retracted.reason}) and cannot be linked to; link a document in force instead`,
    field,
  );
}

/**
 * Passes unless `replacement`, the document an earlier capture with the same
 * idempotency key made to supersede others, has been retracted since.
 *
 * @throws DocumentRetractedError naming the replacement and the key.
 */
export function requireReplacementInForce(replacement: KnowledgeDocument, key: string): void {
  const { retracted } = replacement;
  if (retracted === undefined) return;
  throw retractedError(
    replacement,
    retracted,
    `the replacement ${replacement.id} ("${replacement.title}") that idempotency key "${key}" captured was retracted at ${retracted.at} (${retracted.reason}), so it replaces nothing in force; capture a new replacement with a new key`,
  );
}

function retractedError(
  document: KnowledgeDocument,
  retracted: { readonly at: string; readonly reason: string },
  message: string,
  field?: string,
): DocumentRetractedError {
  return new DocumentRetractedError({
    message,
    id: document.id,
    retractedAt: retracted.at,
    reason: retracted.reason,
    ...(field === undefined ? {} : { field }),
  });
}
