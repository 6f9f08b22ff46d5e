/**
 * The links that point at a target (a document, a work item, a line, an
 * artifact): what `KnowledgeBase.linksTo` answers.
 *
 * @module
 */
import type { Clock } from "@software-factory/core";
import type { KnowledgeDocument } from "./DocumentStore.js";
import { uncheckedIsInForce } from "./documentAt.js";

/** A link from a document to a target, as seen from the target. */
export interface IncomingLink {
  /** What the link means (`informs`, `evidenceFor`, `relatesTo`...). */
  readonly type: string;
  /** The document the link is from, as it is now (retracted, superseded and expired ones included). */
  readonly document: KnowledgeDocument;
  /** Whether that document is in force now: neither retracted nor superseded, and not expired. */
  readonly current: boolean;
}

/**
 * Every link of `documents` whose target is `target`, one per link (a
 * document linking twice, with two types, is there twice): documents in force
 * first, then newest first, then by id and link type.
 */
export function incomingLinks(
  documents: Iterable<KnowledgeDocument>,
  target: string,
  clock: Clock,
): IncomingLink[] {
  const found: IncomingLink[] = [];
  for (const document of documents) {
    const types = document.links.filter((link) => link.target === target).map((link) => link.type);
    if (types.length === 0) continue;
    const current = uncheckedIsInForce(document, undefined, clock);
    for (const type of types) found.push({ type, document, current });
  }
  return found.sort(
    (a, b) =>
      Number(b.current) - Number(a.current) ||
      b.document.createdAt.localeCompare(a.document.createdAt) ||
      a.document.id.localeCompare(b.document.id) ||
      a.type.localeCompare(b.type),
  );
}
