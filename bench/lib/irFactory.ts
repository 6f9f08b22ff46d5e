/**
 * A retrieval set loaded into a factory's knowledge base, so what a factory
 * answers (search, context packs) can be measured against the set's judgments.
 */
import { hashJson } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { DocumentCaptured } from "@software-factory/knowledge";
import type { IrSet } from "./ir.js";

/**
 * Appends one `knowledge.document.captured` event per document of the set, in
 * batches of 500, and waits until the knowledge base has indexed them. Returns
 * the corpus id of each factory document id. A document without a title is
 * titled by the start of its text (the event needs one).
 */
export async function loadIrIntoFactory(factory: Factory, set: IrSet): Promise<Map<string, string>> {
  const corpusIdOf = new Map<string, string>();
  const at = new Date().toISOString();
  for (let start = 0; start < set.docs.length; start += 500) {
    const batch = set.docs.slice(start, start + 500).map((doc, offset) => {
      const id = `doc_ir${start + offset}`;
      corpusIdOf.set(id, doc.id);
      const title = doc.title.trim() || `${doc.text.replace(/\s+/g, " ").trim().slice(0, 60)}…`;
      const body = doc.text.trim() === "" ? title : doc.text;
      return {
        type: DocumentCaptured.type,
        subject: id,
        data: {
          kind: "research" as const,
          source: { system: set.name, uri: doc.id },
          links: [],
          supersedes: [],
          title,
          body,
          contentHash: hashJson({ title, body, decision: null }),
          tags: [],
          lines: [],
          validFrom: at,
        },
      };
    });
    await factory.log.append(batch);
  }
  await factory.knowledge.sync();
  return corpusIdOf;
}
