/**
 * The documents linked to a context pack's work item or lines: what someone
 * linked to the work (`factory knowledge link <doc> --type informs --target
 * wi_...`) belongs in its pack ahead of what a search merely matched.
 *
 * @module
 */
import type { KnowledgeDocument, Link, SearchHit } from "@software-factory/knowledge";
import type { PackDocument } from "./contextPack.js";
import { openingHit } from "./contextPackLineDocuments.js";
import type { Factory } from "./openFactory.js";

/**
 * Up to `limit` documents in force with a link to one of `targets` (the
 * pack's work item, then its lines), in the order of the targets, then in
 * force and newest first (as `KnowledgeBase.linksTo` answers): each as the
 * hit of `found` that has it (the search's excerpt), else as a hit on its
 * opening scored 0, with `linked` set to its links to the targets.
 * `signal` is checked after each read of the links.
 */
export async function linkedDocuments(
  factory: Factory,
  targets: readonly string[],
  found: readonly SearchHit[],
  limit: number,
  signal?: AbortSignal,
): Promise<PackDocument[]> {
  const linked = new Map<string, { document: KnowledgeDocument; links: Link[] }>();
  for (const target of targets) {
    for (const { type, document, current } of await factory.knowledge.linksTo(target)) {
      if (!current) continue;
      const entry = linked.get(document.id) ?? { document, links: [] };
      entry.links.push({ type, target });
      linked.set(document.id, entry);
    }
    signal?.throwIfAborted();
  }
  const hits = new Map(found.map((hit) => [hit.document.id, hit]));
  return [...linked.values()]
    .slice(0, limit)
    .map(({ document, links }) => ({ ...(hits.get(document.id) ?? openingHit(document)), linked: links }));
}
