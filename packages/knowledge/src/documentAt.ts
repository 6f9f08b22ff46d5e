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
 * The revision of a document in force at an instant, as every `asOf` read
 * takes it (`get`, `list`, `search`): the last one recorded by then, else
 * the first (a document captured later, whose fact held from before);
 * `undefined` when that revision's `validFrom` is after the instant (its
 * fact did not hold yet, so nothing as of then has the document). Whether
 * the document was still in force then (not ended, superseded or
 * retracted by then) is {@link isInForce}'s to say.
 *
 * @throws ValidationError naming `document` or `at` when one is not a document or an ISO string.
 */
export function revisionAt(document: KnowledgeDocument, at: string): Revision | undefined {
  checkArguments("revisionAt", { document: [aDocument, document], at: [Text, at] });
  return uncheckedRevisionAt(document, at);
}

/** {@link revisionAt} without checking its arguments, for the package's own calls (some in hot loops). */
export function uncheckedRevisionAt(document: KnowledgeDocument, at: string): Revision | undefined {
  const revision = uncheckedRevisionInForce(document, at);
  return revision.validFrom > at ? undefined : revision;
}

/**
 * The revision an `asOf` read takes before checking its validity: the last
 * one recorded by then, else the first. A search's filters read it (and
 * leave the document out when it is not in force then).
 */
export function uncheckedRevisionInForce(document: KnowledgeDocument, at: string): Revision {
  let found = document.revisions[0] as Revision;
  for (const revision of document.revisions) {
    if (revision.at <= at) found = revision;
  }
  return found;
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
