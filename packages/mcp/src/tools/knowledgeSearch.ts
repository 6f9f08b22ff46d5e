/**
 * The finding tools of the `knowledge` group: `search_knowledge` (by meaning,
 * paged and within a token budget) and `list_knowledge` (newest first), with
 * the same filters (kind, line, tag, author, captured-at range, current, as of).
 *
 * @module
 */
import type { Factory } from "@software-factory/intelligence";
import { type DocumentKind, DocumentKindSchema, type KnowledgeDocument } from "@software-factory/knowledge";
import { z } from "zod";
import { defineTool } from "../toolKit.js";
import { DocumentSummaryOutput, SearchHitOutput } from "./knowledgeOutputs.js";
import { filteredOnLines } from "./knownValues.js";
import { hitsWithinBudget } from "./searchBudget.js";
import {
  Cursor,
  cursorUpTo,
  filledText,
  ID_MAX,
  instantAt,
  offsetOf,
  PointInTime,
  pastTheLastPage,
  SEARCH_QUERY_MAX,
} from "./shared.js";

/**
 * A filter of documents by a list of values: optional, and when given, not
 * empty, since an empty list would match no document and answer nothing where
 * the caller most likely meant no filter.
 */
const filterList = <Item extends z.ZodType>(item: Item, what: string) =>
  z
    .array(item)
    .min(
      1,
      `give at least one ${what}, or leave the filter out for every document (an empty list matches none)`,
    )
    .optional();

/**
 * The filters `search_knowledge` and `list_knowledge` share beside kinds,
 * lines and tags, each one of the knowledge base's options: `authors`,
 * `since` and `until` (its `from` and `to`, the captured-at range), `current`
 * and `asOf`, every point in time in one grammar (a date, an instant or 30d).
 */
const documentFilters = {
  authors: filterList(z.string().min(1), "author").describe("By these source authors"),
  since: PointInTime.optional().describe("Captured from (date, instant or 30d)"),
  until: PointInTime.optional().describe("Captured before"),
  current: z.boolean().default(true).describe("false: also superseded, expired"),
  asOf: PointInTime.optional().describe("In force then (date, instant or 30d)"),
};

/** The knowledge base's options for the filters of {@link documentFilters} given to a tool. */
function filterOptions(
  factory: Factory,
  input: {
    kinds?: DocumentKind[] | undefined;
    lines?: string[] | undefined;
    tags?: string[] | undefined;
    authors?: string[] | undefined;
    since?: string | undefined;
    until?: string | undefined;
    current: boolean;
    asOf?: string | undefined;
  },
) {
  return {
    current: input.current,
    ...(input.kinds === undefined ? {} : { kinds: input.kinds }),
    ...(input.lines === undefined ? {} : { lines: input.lines }),
    ...(input.tags === undefined ? {} : { tags: input.tags }),
    ...(input.authors === undefined ? {} : { authors: input.authors }),
    ...(input.since === undefined ? {} : { from: instantAt(factory, input.since) }),
    ...(input.until === undefined ? {} : { to: instantAt(factory, input.until) }),
    ...(input.asOf === undefined ? {} : { asOf: instantAt(factory, input.asOf) }),
  };
}

/** `search_knowledge`: hybrid search over the knowledge base, paged and within a token budget. */
export const searchKnowledge = defineTool({
  name: "search_knowledge",
  title: "Search the knowledge base",
  description:
    "Hybrid search (BM25 + vectors) over the factory's knowledge (conversations, decisions, research, runbooks, requirements...): the best snippets with their sources, as many as fit budgetTokens. Filter by kind, line, tag, author or capture date; asOf asks what was true then; nextCursor starts at the first hit left out.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    query: filledText(SEARCH_QUERY_MAX).describe("What you want to know, in words or identifiers"),
    kinds: filterList(DocumentKindSchema, "kind").describe("Only documents of these kinds"),
    lines: filterList(z.string().min(1).max(ID_MAX), "line").describe(
      "Only documents linked to these lines (factory://floorplan lists them)",
    ),
    tags: filterList(z.string().min(1), "tag").describe("Only documents with at least one of these tags"),
    ...documentFilters,
    limit: z.number().int().min(1).max(50).default(10).describe("Hits per page"),
    // The knowledge base's search pages through its first 10,000 hits.
    cursor: cursorUpTo(10_000),
    budgetTokens: z
      .number()
      .int()
      .min(50)
      .max(20_000)
      .default(2000)
      .describe(
        "Tokens the whole answer may take (estimated at about 4 characters each); a budget too small for the best hit is refused, naming what it needs",
      ),
  }),
  output: z.object({
    hits: z
      .array(SearchHitOutput)
      .describe("The best hits, best first: the first of the page that fit budgetTokens"),
    nextCursor: z
      .string()
      .optional()
      .describe(
        "Pass as cursor for the next page, which starts at the first hit this one left out; absent on the last page",
      ),
    tokens: z.number().describe("Tokens the hits take in the answer, as budgetTokens counts them"),
    warning: z
      .string()
      .optional()
      .describe(
        "Set when part of the search could not answer (an embedder unreachable): the hits are lexical only",
      ),
  }),
  run: async (factory, input, context) => {
    const offset = offsetOf(input.cursor);
    // A cancelled call aborts the search, and the embedder's request for its query with it.
    const result = await filteredOnLines(factory, input.lines, "lines", () =>
      factory.knowledge.search(input.query, {
        ...(context?.signal === undefined ? {} : { signal: context.signal }),
        limit: input.limit,
        offset,
        ...filterOptions(factory, input),
      }),
    );
    if (input.cursor !== undefined && offset > 0 && result.hits.length === 0)
      throw pastTheLastPage("search_knowledge", input.cursor);
    const warning = result.warning === undefined ? {} : { warning: result.warning };
    const page = result.hits.map((hit) => ({
      id: hit.document.id,
      kind: hit.document.kind,
      title: hit.document.title,
      lines: hit.document.lines,
      source: hit.document.source,
      headingPath: hit.chunk.headingPath,
      snippet: hit.snippet,
      score: hit.score,
      validFrom: hit.document.validFrom,
      ...(hit.document.validTo === undefined ? {} : { validTo: hit.document.validTo }),
      ...(hit.document.supersededBy === undefined ? {} : { supersededBy: hit.document.supersededBy }),
    }));
    // The answer around the hits, its numbers at their longest.
    const envelope = {
      hits: [],
      tokens: input.budgetTokens,
      nextCursor: String(offset + input.limit),
      ...warning,
    };
    const kept = hitsWithinBudget(page, offset, input.budgetTokens, envelope);
    const nextOffset = kept.nextOffset ?? result.nextOffset;
    return {
      hits: kept.hits,
      tokens: kept.tokens,
      ...(nextOffset === undefined ? {} : { nextCursor: String(nextOffset) }),
      ...warning,
    };
  },
});

/** A document as `list_knowledge` answers it: what it is and where it came from, without body and revisions. */
const documentSummary = (document: KnowledgeDocument) => ({
  id: document.id,
  kind: document.kind,
  title: document.title,
  lines: document.lines,
  tags: document.tags,
  source: document.source,
  validFrom: document.validFrom,
  ...(document.validTo === undefined ? {} : { validTo: document.validTo }),
  ...(document.supersededBy === undefined ? {} : { supersededBy: document.supersededBy }),
  createdAt: document.createdAt,
  updatedAt: document.updatedAt,
  revisionCount: document.revisions.length,
});

/** `list_knowledge`: the documents of the knowledge base, newest first, filtered and paged. */
export const listKnowledge = defineTool({
  name: "list_knowledge",
  title: "List knowledge documents",
  description:
    "What the knowledge base holds, newest first, without bodies; filter by kind, line, tag, author or capture date (current: false adds superseded and expired documents; asOf: as in force then). Read one with get_document; search by meaning with search_knowledge.",
  group: "knowledge",
  annotations: { readOnlyHint: true, idempotentHint: true },
  input: z.object({
    kinds: filterList(DocumentKindSchema, "kind").describe("Only documents of these kinds"),
    lines: filterList(z.string().min(1).max(ID_MAX), "line").describe(
      "Only documents linked to these lines (factory://floorplan lists them)",
    ),
    tags: filterList(z.string().min(1), "tag").describe("Only documents with at least one of these tags"),
    ...documentFilters,
    limit: z.number().int().min(1).max(100).default(20).describe("Documents per page"),
    cursor: Cursor,
  }),
  output: z.object({
    documents: z.array(DocumentSummaryOutput).describe("The page's documents, newest first"),
    nextCursor: z.string().optional().describe("Pass as cursor for the next page; absent on the last page"),
  }),
  run: async (factory, input) => {
    const offset = offsetOf(input.cursor);
    // One more than the page, to know whether another page follows.
    const found = await filteredOnLines(factory, input.lines, "lines", () =>
      factory.knowledge.list({
        limit: input.limit + 1,
        offset,
        ...filterOptions(factory, input),
      }),
    );
    if (input.cursor !== undefined && offset > 0 && found.length === 0)
      throw pastTheLastPage("list_knowledge", input.cursor);
    return {
      documents: found.slice(0, input.limit).map(documentSummary),
      ...(found.length > input.limit ? { nextCursor: String(offset + input.limit) } : {}),
    };
  },
});
