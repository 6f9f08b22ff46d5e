/**
 * What a knowledge search accepts and answers, and the document filter it applies.
 *
 * @module
 */
import { anObject, type Clock, checkArguments, strictInput, systemClock } from "@software-factory/core";
import { z } from "zod";
import type { KnowledgeDocument } from "../DocumentStore.js";
import { uncheckedIsInForce, uncheckedRevisionInForce, withRevision } from "../documentAt.js";
import { utcInstant } from "../internal/instant.js";
import { type DocumentKind, DocumentKindSchema, InstantSchema } from "../schemas.js";

/**
 * Filters and paging of `KnowledgeBase.search` (each field is described on
 * {@link SearchOptions}), no other field: a typo (`kind` for `kinds`) is
 * refused naming it and the options, not a filter silently ignored.
 */
export const SearchOptionsSchema = strictInput({
  /** Hits per page, 1 to 200 (default 10). */
  limit: z.number().int().min(1).max(200).default(10),
  /** Hits of the ranking to skip, 0 to 10,000 (default 0). */
  offset: z.number().int().min(0).max(10_000).default(0),
  /** Only documents of these kinds; a kind no document can have (`notes`) is refused, not a filter that matches nothing. */
  kinds: z.array(DocumentKindSchema).optional(),
  /** Only documents linked to at least one of these lines. */
  lines: z.array(z.string()).optional(),
  /** With `lines`, documents linked to no line match too (default false). */
  unfiledToo: z.boolean().default(false),
  /** Only documents with at least one of these tags, each read in Unicode NFC as a document's tags are (`café` with a combining accent finds `café`). */
  tags: z.array(z.string().normalize("NFC")).optional(),
  /** Only documents whose `source.author` is one of these. */
  authors: z.array(z.string()).optional(),
  /** Captured at or after this instant. */
  from: InstantSchema.optional(),
  /** Captured before this instant. */
  to: InstantSchema.optional(),
  /** Only documents in force now (default true). */
  current: z.boolean().default(true),
  /** Only documents in force at this instant, filtered and read as they were then; overrides `current`. */
  asOf: InstantSchema.optional(),
  /** Most tokens the page's snippets may take together, a positive integer (default: no budget). */
  budgetTokens: z.number().int().min(1).optional(),
  /** One hit per document, its best chunk (default true). */
  collapse: z.boolean().default(true),
  /** Which engines answer: `hybrid`, `lexical` or `vector` (default `hybrid`). */
  mode: z.enum(["hybrid", "lexical", "vector"]).default("hybrid"),
  /** Whether snippets wrap the words that matched in `**` (default true). */
  highlight: z.boolean().default(true),
  /** Cancels the search: it rejects with the signal's reason, and the embedder's call is aborted. */
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, "must be an AbortSignal").optional(),
});
/** Filters and paging of `KnowledgeBase.search`, as a caller writes them (what {@link SearchOptionsSchema} accepts). */
export interface SearchOptions {
  /** Hits per page (1 to 200, default 10). */
  limit?: number | undefined;
  /** Hits of the ranking to skip (default 0); pass a result's `nextOffset` for the next page. */
  offset?: number | undefined;
  /** Only documents of these kinds (`note`, `decision`...); another value is a `ValidationError` naming it. */
  kinds?: DocumentKind[] | undefined;
  /** Only documents linked to at least one of these floor-plan lines. */
  lines?: string[] | undefined;
  /**
   * With `lines`, documents linked to no line match too (default false): the
   * organisation's pages (a repository's docs/ folder, its README) beside the
   * lines' own, never those of other lines. Without `lines` every document
   * matches already, so it changes nothing.
   */
  unfiledToo?: boolean | undefined;
  /** Only documents with at least one of these tags. */
  tags?: string[] | undefined;
  /** Only documents whose `source.author` is one of these. */
  authors?: string[] | undefined;
  /** Captured at or after this instant (ISO 8601). */
  from?: string | undefined;
  /** Captured before this instant (ISO 8601). */
  to?: string | undefined;
  /**
   * Only documents in force now (default true): not superseded, retracted or
   * expired, "now" being the time of the log's clock.
   */
  current?: boolean | undefined;
  /**
   * Only documents in force at this instant (ISO 8601; overrides `current`);
   * the other filters apply to each document as it was then (the tags and
   * lines of its revision then), and each hit is scored, snipped and
   * returned as it was then.
   */
  asOf?: string | undefined;
  /**
   * Return the best hits of the page whose snippets fit this many tokens in
   * total: a hit too large for what is left is skipped for a later, smaller
   * one. Skipped hits are not carried to the next page (`nextOffset` pages the
   * ranking, not what was kept); use a budget on the first page only.
   */
  budgetTokens?: number | undefined;
  /** One hit per document, its best chunk (default true). */
  collapse?: boolean | undefined;
  /** Which engines answer (default hybrid). */
  mode?: "hybrid" | "lexical" | "vector" | undefined;
  /**
   * Whether each hit's snippet wraps the words that matched in `**` (default
   * true). With `false` the snippet is plain text, for a reader that quotes it
   * (a context pack for a model): its `tokens` and `budgetTokens` count the
   * plain snippet, and a `**` that is the document's own text stays.
   */
  highlight?: boolean | undefined;
  /**
   * Cancels the search when it aborts: the search rejects with the signal's
   * reason (a `DOMException` named `AbortError` for `controller.abort()`, or
   * what was passed to `abort(reason)`), as `fetch` and a cancelled skill run
   * do, and the embedder's call for the query (or for chunks the search was
   * waiting on) gets the abort. Already aborted, the search does nothing.
   */
  signal?: AbortSignal | undefined;
}

/** One search hit: the document, the chunk that matched, and why. */
export interface SearchHit {
  /** The document that matched, without its body and revisions (`KnowledgeBase.get` has them); with `asOf`, as it read then. */
  readonly document: Omit<KnowledgeDocument, "body" | "revisions">;
  /** The chunk of its body that matched best. */
  readonly chunk: {
    /** Id of the chunk: `<document id>#<n>`, or `<document id>@<revision>#<n>` for a past revision an `asOf` search found. */
    readonly id: string;
    /** Headings above the chunk, outermost first. */
    readonly headingPath: readonly string[];
    /** Line of the body where the chunk starts (1-based). */
    readonly startLine: number;
  };
  /** Fused score (higher is better). */
  readonly score: number;
  /** The best window of the chunk as plain text on one line (markdown syntax left out, words in order), matches wrapped in `**` unless the search asked for `highlight: false`. */
  readonly snippet: string;
  /** Tokens the snippet and title take. */
  readonly tokens: number;
  /** 1-based rank of the chunk in the lexical (BM25) list, when it was there. */
  readonly lexicalRank?: number;
  /** 1-based rank of the chunk in the vector list, when it was there. */
  readonly vectorRank?: number;
}

/** The answer of `KnowledgeBase.search`. */
export interface SearchResult {
  /** The page of hits, best first. */
  readonly hits: readonly SearchHit[];
  /** Offset of the next page, when there may be more. */
  readonly nextOffset?: number;
  /** Tokens the returned hits take. */
  readonly tokens: number;
  /** Set when part of the engine could not answer (an embedder unreachable): results are lexical only. */
  readonly warning?: string;
}

/**
 * The filter of a search's options over documents (kind, line or no line,
 * tag, author, time, current, as-of); `current` compares with `clock`'s time (default: the
 * machine's; a knowledge base passes its log's clock). With `asOf`, the
 * filters apply to the document as it read then: the tags, lines and
 * validity of its revision in force at that instant (the last one recorded
 * by then, else the first), not those of a later revision.
 *
 * @throws ValidationError naming `options` when it is not an object.
 */
export function documentFilter(
  options: z.output<typeof SearchOptionsSchema>,
  clock: Clock = systemClock,
): (document: KnowledgeDocument) => boolean {
  checkArguments("documentFilter", {
    options: [anObject("search options, as SearchOptionsSchema parses them"), options],
  });
  const kinds = options.kinds === undefined ? undefined : new Set(options.kinds);
  const lines = options.lines === undefined ? undefined : new Set(options.lines);
  const tags = options.tags === undefined ? undefined : new Set(options.tags);
  const authors = options.authors === undefined ? undefined : new Set(options.authors);
  return (latest) => {
    const document = options.asOf === undefined ? latest : readAt(latest, options.asOf);
    if (kinds !== undefined && !kinds.has(document.kind)) return false;
    if (
      lines !== undefined &&
      !document.lines.some((line) => lines.has(line)) &&
      !(options.unfiledToo && document.lines.length === 0)
    ) {
      return false;
    }
    if (tags !== undefined && !document.tags.some((tag) => tags.has(tag))) return false;
    if (
      authors !== undefined &&
      (document.source.author === undefined || !authors.has(document.source.author))
    ) {
      return false;
    }
    const captured = utcInstant(document.source.capturedAt ?? document.createdAt);
    if (options.from !== undefined && captured < options.from) return false;
    if (options.to !== undefined && captured >= options.to) return false;
    if (options.asOf !== undefined) return uncheckedIsInForce(document, options.asOf);
    if (options.current) return uncheckedIsInForce(document, undefined, clock);
    return document.retracted === undefined;
  };
}

/** The document as its revision in force at `at` reads (itself when that is the latest). */
function readAt(document: KnowledgeDocument, at: string): KnowledgeDocument {
  // Most documents were never revised: this runs for every document a listing or a search looks at.
  if (document.revisions.length === 1) return document;
  const revision = uncheckedRevisionInForce(document, at);
  return revision === document.revisions.at(-1) ? document : withRevision(document, revision);
}
