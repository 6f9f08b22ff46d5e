/**
 * The knowledge base's documents as targets of rules (`appliesTo: "document"`).
 *
 * @module
 */
import { type EventLog, type Projection, startProjection } from "@software-factory/core";
import {
  DocumentCaptured,
  isInForce,
  type KnowledgeBase,
  type KnowledgeDocument,
} from "@software-factory/knowledge";
import type { TargetSource } from "./Standards.js";

/**
 * A target source over the knowledge base's documents: `all()` gives the
 * documents in force now (not superseded, retracted or expired), `get(id)`
 * any document by id, and `lineOf` every line a document names, so a
 * scorecard counts a finding on it against each of those lines.
 *
 * Both read through the knowledge base, so they see the log up to the call.
 * The knowledge base lists at most 200 documents per call but gives every
 * document of a source system, so the source follows the capture events for
 * the systems in use (a fold that reads the log only when rules run).
 */
export function knowledgeDocumentSource(
  knowledge: KnowledgeBase,
  log: EventLog,
): TargetSource<KnowledgeDocument> {
  const systems = new Set<string>();
  let following: Promise<Projection> | undefined;
  const systemsInUse = async (): Promise<string[]> => {
    following ??= startProjection(log, {
      types: [DocumentCaptured.type],
      // Read when rules run, not followed: nothing to close with the factory.
      live: false,
      apply: (event) => {
        if (DocumentCaptured.is(event)) systems.add(event.data.source.system);
      },
    }).catch((error: unknown) => {
      following = undefined;
      throw error;
    });
    await (await following).catchUp();
    return [...systems].sort();
  };
  return {
    kind: "document",
    all: async () => {
      const documents: KnowledgeDocument[] = [];
      for (const system of await systemsInUse()) {
        for (const document of await knowledge.fromSystem(system)) {
          if (isInForce(document)) documents.push(document);
        }
      }
      return documents;
    },
    get: (id) => knowledge.get(id),
    idOf: (document) => document.id,
    lineOf: (document) => document.lines,
  };
}
