/**
 * Reading a document at an instant: whether it was in force then, which of
 * its revisions was current, and the document as that revision read.
 *
 * @module
 */
import { type Clock, checkArguments, systemClock } from "@software-factory/core";
import type { KnowledgeDocument, Revision } from "./DocumentStore.js";
import { aDocument, Text } from "./internal/arguments.js";

/**
 * Whether a document is in force at an instant (ISO string), or now when
 * omitted: neither retracted nor superseded, and its `validTo`, if any, still
 * ahead of `clock`'s time (default: the machine's; a knowledge base passes its
 * log's clock).
 *
 * @throws ValidationError naming `document` or `at` when one is not a document or an ISO string.
 */
export function isInForce(document: KnowledgeDocument, at?: string, clock: Clock = systemClock): boolean {
  checkArguments("isInForce", { document: [aDocument, document], at: [Text.optional(), at] });
  return uncheckedIsInForce(document, at, clock);
}

/** {@link isInForce} without checking its arguments, for the package's own calls (some in hot loops). */
export function uncheckedIsInForce(
  document: KnowledgeDocument,
  at?: string,
  clock: Clock = systemClock,
): boolean {
  if (at === undefined) {
    return (
      document.retracted === undefined &&
      document.supersededBy === undefined &&
      !ended(document.validTo, clock)
    );
  }
  if (document.validFrom > at) return false;
  if (document.validTo !== undefined && document.validTo <= at) return false;
  if (document.supersededBy !== undefined && document.supersededBy.at <= at) return false;
  if (document.retracted !== undefined && document.retracted.at <= at) return false;
  return true;
}

function ended(validTo: string | undefined, clock: Clock): boolean {
  return validTo !== undefined && validTo <= clock.now().toISOString();
}

/**
 * The revision of a document that was current at an instant, if it existed then.
 *
 * @throws ValidationError naming `document` or `at` when one is not a document or an ISO string.
 */
export function revisionAt(document: KnowledgeDocument, at: string): Revision | undefined {
  checkArguments("revisionAt", { document: [aDocument, document], at: [Text, at] });
  return uncheckedRevisionAt(document, at);
}

/** {@link revisionAt} without checking its arguments, for the package's own calls (some in hot loops). */
export function uncheckedRevisionAt(document: KnowledgeDocument, at: string): Revision | undefined {
  let found: Revision | undefined;
  for (const revision of document.revisions) {
    if (revision.at <= at) found = revision;
  }
  return found;
}

/**
 * The revision a search or a listing as of an instant reads: the last one
 * recorded by then, else the first (a document captured later, whose fact
 * held from before).
 */
export function uncheckedRevisionInForce(document: KnowledgeDocument, at: string): Revision {
  return uncheckedRevisionAt(document, at) ?? (document.revisions[0] as Revision);
}

/** A document as it read at one of its revisions: that revision's title, body, tags, lines, hash, validity and decision. */
export function withRevision(document: KnowledgeDocument, revision: Revision): KnowledgeDocument {
  const { validTo: _validTo, decision: _decision, ...rest } = document;
  return {
    ...rest,
    title: revision.title,
    body: revision.body,
    tags: revision.tags,
    lines: revision.lines,
    contentHash: revision.contentHash,
    validFrom: revision.validFrom,
    ...(revision.validTo === undefined ? {} : { validTo: revision.validTo }),
    ...(revision.decision === undefined ? {} : { decision: revision.decision }),
  };
}
