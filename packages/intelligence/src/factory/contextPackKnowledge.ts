/**
 * The knowledge of a context pack: the documents that answer its question (or
 * describe its lines), in full while they take a share of the budget, then by
 * title and id.
 *
 * @module
 */
import { NotFoundError, type WorkItem } from "@software-factory/core";
import type { SearchHit } from "@software-factory/knowledge";
import type { ContextPack, KnowledgeReference, PackDocument } from "./contextPack.js";
import { lineDocuments } from "./contextPackLineDocuments.js";
import { linkedDocuments } from "./contextPackLinkedDocuments.js";
import type { Factory } from "./openFactory.js";
import type { PackFitter } from "./PackFitter.js";

/** Share of the budget left after the other parts that knowledge in full may take; references fill the rest. */
const FULL_KNOWLEDGE_SHARE = 0.7;

/** Characters a knowledge search takes at most (`KnowledgeBase.search` refuses a longer query). */
export const MAX_SEARCH_CHARS = 4000;

/** `text` cut to {@link MAX_SEARCH_CHARS}, at the last space before the limit when there is one. */
function searchable(text: string): string {
  if (text.length <= MAX_SEARCH_CHARS) return text;
  const cut = text.slice(0, MAX_SEARCH_CHARS);
  const space = cut.lastIndexOf(" ");
  return space > 0 ? cut.slice(0, space) : cut;
}

/** What a pack's knowledge is searched for. */
export interface KnowledgeQuery {
  /** The request's question, when it asked one. */
  readonly question: string | undefined;
  /** The work item of the request, when it named one: its title is the question otherwise. */
  readonly workItem: WorkItem | undefined;
  /** The pack's lines: their names and descriptions are the question when there is no other. */
  readonly lines: ContextPack["lines"];
  /** Ids of the pack's lines: without a question, only documents on them or on no line match; the others on them follow the matches. */
  readonly lineIds: ReadonlySet<string>;
}

/**
 * The documents of a pack, best first: those in force linked to its work
 * item, then to its lines (see {@link linkedDocuments}: marked `linked`, with
 * the search's excerpt when it found them, else their opening), then those
 * that match the request's
 * question, else the work item's title, else the lines' names and
 * descriptions (then those on the pack's lines), then the other documents
 * filed on the pack's lines (see {@link lineDocuments}: decisions first, then
 * newest first; scored 0, their excerpt the opening of their body), then,
 * without a question, the documents filed on no line that matched (the
 * organisation's pages: a repository's docs/ folder, its README), never those
 * of other lines; of each, enough to fill `budget` with references. Excerpts
 * are searched with `highlight: false`, plain text without marks around the
 * words that matched: a pack quotes them for a model, and in a pack about
 * lines nearly every word matched (the marks took 76 of the 260 tokens of the
 * knowledge of a pack for a path of this repository). A title or lines
 * described at more length than a search takes are searched for by their
 * first {@link MAX_SEARCH_CHARS} characters.
 *
 * `signal` is the search's and the listing's of the lines' documents (the
 * embedder's call either waits on is aborted with it: the listing embeds
 * the chunks of documents other processes captured since the search folded
 * the log, or that the search could not embed).
 */
export async function searchKnowledge(
  factory: Factory,
  query: KnowledgeQuery,
  budget: number,
  signal?: AbortSignal,
): Promise<readonly PackDocument[]> {
  const { lines } = query;
  const question = searchable(
    query.question ??
      query.workItem?.title ??
      lines.map(({ line }) => [line.name ?? line.id, line.description ?? ""].join(" ")).join(" "),
  );
  // Enough hits to fill the budget with references (some 20 tokens each) after the excerpts.
  const limit = Math.min(200, 20 + Math.ceil(budget / 40));
  const onLines = query.lineIds.size > 0 && query.question === undefined;
  const filed = new Set(query.lineIds);
  const found =
    question.trim() === ""
      ? []
      : (
          await onFiledLines(filed, () =>
            factory.knowledge.search(question, {
              limit,
              highlight: false,
              ...(onLines ? { lines: [...filed], unfiledToo: true } : {}),
              ...(signal === undefined ? {} : { signal }),
            }),
          )
        ).hits;
  signal?.throwIfAborted();
  // What was linked to the work item or its lines comes first, whether or not the search found it.
  const targets = [...(query.workItem === undefined ? [] : [query.workItem.id]), ...query.lineIds];
  const linked = await linkedDocuments(factory, targets, found, limit, signal);
  const linkedIds = new Set(linked.map((hit) => hit.document.id));
  const matched = found.filter((hit) => !linkedIds.has(hit.document.id));
  // Without a question, the lines' own documents come next, then the pages filed on no line that matched.
  const unfiled = onLines ? matched.filter((hit) => hit.document.lines.length === 0) : [];
  const own = onLines ? matched.filter((hit) => hit.document.lines.length > 0) : matched;
  const onTheLines = await onFiledLines(filed, () =>
    lineDocuments(factory, filed, [...linked, ...own], limit, signal),
  );
  return [...linked, ...own, ...onTheLines, ...unfiled];
}

/**
 * Runs `read`, a knowledge read filtered on `lines`, dropping from `lines`
 * each line the knowledge base refuses as a filter and reading again: a line
 * retired from the floor plan that no document names is refused, and has no
 * documents to find. Only that rare case reads twice.
 */
async function onFiledLines<T>(lines: Set<string>, read: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof NotFoundError && error.entity === "line" && lines.delete(error.id))) throw error;
    }
  }
}

/** A matching document named by title and id, without its text; with its links to the pack's work item or lines when it has any. */
export function knowledgeReference(hit: PackDocument): KnowledgeReference {
  const { document, score, linked } = hit;
  return {
    id: document.id,
    title: document.title,
    kind: document.kind,
    score,
    ...(linked === undefined ? {} : { linked }),
  };
}

/** Share of the budget left after the lines and the work item that the best documents in full are kept before the other parts. */
const RESERVED_KNOWLEDGE_SHARE = 0.35;

/** `hit` with `tokens` set to what it added to the pack. */
const marked = <T extends SearchHit>(hit: T, cost: number): T =>
  hit.tokens === cost ? hit : { ...hit, tokens: cost };

/**
 * Keeps the best knowledge hits in full before the other parts of a pack are
 * filled, while the pack stays within {@link RESERVED_KNOWLEDGE_SHARE} of what
 * the budget has left: rules, active work and suspect links then cannot
 * crowd out every document.
 */
export function reserveKnowledge(fitter: PackFitter, knowledge: readonly SearchHit[], budget: number): void {
  const limit = fitter.tokens + Math.floor((budget - fitter.tokens) * RESERVED_KNOWLEDGE_SHARE);
  fitter.fill(
    knowledge,
    (pack, hits) => ({ ...pack, knowledge: hits }),
    marked,
    () => limit,
  );
}

/**
 * Adds the knowledge hits the pack does not hold yet: the best one in full
 * whenever it fits (unless the pack has one in full already), more in full
 * while the pack stays within {@link FULL_KNOWLEDGE_SHARE} of what the budget
 * has left, then the rest as references in what remains. A hit that fits in
 * neither form is left out; the hits in full stay in the order of `knowledge`.
 */
export function fillKnowledge(fitter: PackFitter, knowledge: readonly SearchHit[], budget: number): void {
  const kept = fitter.pack.knowledge;
  const rank = new Map(knowledge.map((hit, index) => [hit.document.id, index]));
  const byRank = (hits: readonly SearchHit[]) =>
    [...hits].sort((a, b) => (rank.get(a.document.id) ?? 0) - (rank.get(b.document.id) ?? 0));
  const keptIds = new Set(kept.map((hit) => hit.document.id));
  const fullLimit = fitter.tokens + Math.floor((budget - fitter.tokens) * FULL_KNOWLEDGE_SHARE);
  fitter.fill(
    knowledge.filter((hit) => !keptIds.has(hit.document.id)),
    // The kept hits are the pack's own: a candidate measured alone, in an empty pack, is measured without them.
    (pack, hits) => ({ ...pack, knowledge: byRank([...pack.knowledge, ...hits]) }),
    marked,
    (more) => (kept.length + more === 0 ? budget : fullLimit),
  );
  const inFull = new Set(fitter.pack.knowledge.map((hit) => hit.document.id));
  const references = knowledge.filter((hit) => !inFull.has(hit.document.id)).map(knowledgeReference);
  fitter.fill(references, (pack, list) => ({ ...pack, relatedKnowledge: list }));
}
