/**
 * The documents filed on a context pack's lines that its search did not find:
 * a line's own documents (knowledge linked to it, decisions on it) belong in
 * its pack even when they share no word with what the pack is searched for.
 *
 * @module
 */
import {
  chunkMarkdown,
  countTokens,
  type KnowledgeDocument,
  type SearchHit,
  snippet,
} from "@software-factory/knowledge";
import type { Factory } from "./openFactory.js";

/** Characters of a body read for its opening excerpt: the first chunk lies within them. */
const OPENING_CHARS = 4000;

/** The first {@link OPENING_CHARS} characters of `body`, cut at the last line end before the limit when there is one. */
function opening(body: string): string {
  if (body.length <= OPENING_CHARS) return body;
  const cut = body.slice(0, OPENING_CHARS);
  const end = cut.lastIndexOf("\n");
  return end > 0 ? cut.slice(0, end) : cut;
}

/**
 * `document` as a search hit on its first chunk, scored 0 (no search found
 * it): the excerpt is the chunk's opening as plain text (a snippet that marks
 * no word), and `tokens` counted as a search counts them.
 */
export function openingHit(document: KnowledgeDocument): SearchHit {
  const { body, revisions: _revisions, ...rest } = document;
  const first = chunkMarkdown(opening(body))[0];
  const excerpt = snippet(first?.text ?? "", "");
  return {
    document: rest,
    chunk: {
      id: `${document.id}#${first?.index ?? 0}`,
      headingPath: first?.headingPath ?? [],
      startLine: first?.startLine ?? 1,
    },
    score: 0,
    snippet: excerpt,
    tokens: countTokens(excerpt) + countTokens(document.title) + 8,
  };
}

/**
 * Up to `limit` documents in force filed on one of `lineIds` that are not
 * among `found`, as search hits scored 0 on their opening: decisions first
 * (what was decided on a line binds whoever works on it, and a line has few),
 * then the others newest first (as `KnowledgeBase.list` and the
 * `summarize-line` skill order them), then by id. None without lines.
 * `signal` cancels the listing (the embedding of chunks other processes
 * captured that it waits on) when it aborts.
 */
export async function lineDocuments(
  factory: Factory,
  lineIds: ReadonlySet<string>,
  found: readonly SearchHit[],
  limit: number,
  signal?: AbortSignal,
): Promise<SearchHit[]> {
  if (lineIds.size === 0) return [];
  const foundIds = new Set(found.map((hit) => hit.document.id));
  // Newest first, then by id: a stable sort keeps that order within each kind.
  const filed = (
    await factory.knowledge.list({
      lines: [...lineIds],
      limit: Number.POSITIVE_INFINITY,
      ...(signal === undefined ? {} : { signal }),
    })
  )
    .filter((document) => !foundIds.has(document.id))
    .sort((a, b) => Number(b.kind === "decision") - Number(a.kind === "decision"));
  return filed.slice(0, limit).map((document) => openingHit(document));
}
