/**
 * The knowledge base's documents as targets of rules (`appliesTo: "document"`).
 *
 * @module
 */
import type { KnowledgeBase, KnowledgeDocument } from "@software-factory/knowledge";
import type { TargetSource } from "./TargetSource.js";

/**
 * A target source over the knowledge base's documents: `all()` gives the
 * documents in force now (not superseded, retracted or expired), `get(id)`
 * any document by id, and `lineOf` every line a document names, so a
 * scorecard counts a finding on it against each of those lines. Both read
 * through the knowledge base, so they see the log up to the call.
 */
export function knowledgeDocumentSource(knowledge: KnowledgeBase): TargetSource<KnowledgeDocument> {
  return {
    kind: "document",
    all: () => knowledge.list({ limit: Number.POSITIVE_INFINITY }),
    get: (id) => knowledge.get(id),
    idOf: (document) => document.id,
    lineOf: (document) => document.lines,
  };
}
