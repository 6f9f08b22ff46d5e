/**
 * The documents linked to a work item as `factory://work/{id}` shows them:
 * read with the SDK's `knowledge.linksTo`, the first
 * {@link SHOWN_LINKED_DOCUMENTS} of them named with their link.
 *
 * @module
 */
import type { Factory } from "@software-factory/intelligence";

/** Documents linked to a work item `factory://work/{id}` names; the count says how many there are in all. */
const SHOWN_LINKED_DOCUMENTS = 100;

/**
 * The documents with a link to `target`, in force first, then newest first:
 * each document's id, title, kind, link type and whether it is in force
 * (`current`), and its uri; the first {@link SHOWN_LINKED_DOCUMENTS} of
 * them, the count of all (`knowledgeCount`), and when some are left out, a
 * note saying so (`moreKnowledge`).
 */
export async function linkedKnowledge(factory: Factory, target: string) {
  const links = await factory.knowledge.linksTo(target);
  const left = links.length - SHOWN_LINKED_DOCUMENTS;
  return {
    knowledge: links.slice(0, SHOWN_LINKED_DOCUMENTS).map(({ type, document, current }) => ({
      id: document.id,
      title: document.title,
      kind: document.kind,
      linkType: type,
      current,
      uri: `factory://documents/${encodeURIComponent(document.id)}`,
    })),
    knowledgeCount: links.length,
    ...(left > 0
      ? {
          moreKnowledge: `${left.toLocaleString("en-US")} more documents link to it (the list has those in force first, then the newest)`,
        }
      : {}),
  };
}
