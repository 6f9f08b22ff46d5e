/**
 * What the calls of the knowledge base take and answer besides documents: the
 * options of its writes, moves, lookups and lists, what `captureOrRevise`
 * did, and the schemas that check the options and plain arguments
 * (`KnowledgeBase.move`'s address, `KnowledgeBase.retract`'s reason,
 * `KnowledgeBase.search`'s query, a link's target) before anything is read
 * or written.
 *
 * @module
 */
import { formatIssues, strictInput, ValidationError } from "@software-factory/core";
import { z } from "zod";
import type { KnowledgeDocument } from "./DocumentStore.js";
import { InstantSchema, SourceSchema } from "./schemas.js";
import { type SearchOptions, SearchOptionsSchema } from "./search/searchOptions.js";

/** Options of a write. */
export interface WriteOptions {
  /** The same key twice writes once and returns the first result. */
  readonly idempotencyKey?: string;
  /** Who is writing (an operator or agent id). */
  readonly actor?: string;
}

/**
 * Options of {@link KnowledgeBase.captureOrRevise}. Its `idempotencyKey` is
 * kept on the capture when the write captures (a retry answers that
 * document), or given to the revision when it revises.
 */
export interface CaptureOrReviseOptions extends WriteOptions {
  /** Why, recorded on a revision (`re-imported from notes/retries.md`). */
  readonly reason?: string;
  /**
   * The write re-imports its source (a file read again), so what was curated
   * by hand since the last import is not undone behind anyone's back. The
   * source is compared with what the last write of the address by
   * `captureOrRevise` took from it (its revision's `sourceHash`; in a log
   * written before that was recorded, the capture or the last revision with
   * this `reason`), not with the document as it reads now:
   * - unchanged since: nothing is written (`unchanged`), whatever was revised
   *   by hand since;
   * - changed, while someone revised the document since: it is revised to the
   *   source, with a warning naming the revision it replaces, who made it and
   *   why (`replaces revision 4 of doc_... by alice ("board decision")`);
   * - the address's document was retracted (other than with `sourceGone`,
   *   see {@link RetractOptions}) and the source is unchanged since its last
   *   write: nothing is written (`unchanged`, the retracted document), with a
   *   warning naming the retraction and what to do; a source changed since is
   *   captured anew, with a warning naming the retracted document.
   */
  readonly reimport?: boolean;
  /**
   * What identifies the source's content for {@link reimport}, when part of
   * the input is not the source's (a decision's options kept from the
   * document): a hash, a version, an ETag. Default: the input's title, body,
   * decision, tags, lines and validity.
   */
  readonly sourceVersion?: string;
}

/** Options of {@link KnowledgeBase.retract}. */
export interface RetractOptions extends WriteOptions {
  /**
   * The document is withdrawn because its source is gone (its file deleted,
   * a part no longer made), not because it is wrong: should the source come
   * back, a re-import ({@link CaptureOrReviseOptions.reimport}) captures it
   * again without a warning, where any other retraction keeps it out.
   */
  readonly sourceGone?: boolean;
}

/** Options of {@link KnowledgeBase.move}. */
export interface MoveOptions extends WriteOptions {
  /** Why it moved, kept with the move (`docs/a.md was renamed to docs/b.md`); at most 2000 characters. */
  readonly reason?: string;
}

/** The address and reason {@link KnowledgeBase.move} checks. */
export const MoveInputSchema = z.object({
  uri: SourceSchema.shape.uri.unwrap(),
  reason: z.string().max(2000).optional(),
});

/** What {@link KnowledgeBase.captureOrRevise} did. */
export interface CaptureOrReviseResult {
  /** The one document of the source address, as it is now. */
  readonly document: KnowledgeDocument;
  /** `captured` (the address had no document, or only a retracted one), `revised`, or `unchanged`. */
  readonly outcome: "captured" | "revised" | "unchanged";
  /**
   * What a re-import ({@link CaptureOrReviseOptions.reimport}) warns of, in
   * words, without the source's address: a revision made by hand that it
   * replaced, a retracted document it left out or captured anew. Empty
   * otherwise.
   */
  readonly warnings: readonly string[];
}

/** The reason {@link KnowledgeBase.retract} checks, named `reason` in what it says. */
export const RetractInputSchema = z.object({ reason: z.string().trim().min(1).max(2000) });

/** The query {@link KnowledgeBase.search} checks: 1 to 4000 characters once trimmed. */
export const SearchQuerySchema = z.string().trim().min(1, "the query is empty").max(4000);

/**
 * Refuses a link of document `id` to itself, which {@link KnowledgeBase.link} would otherwise write.
 *
 * @throws ValidationError at `target` when `target` is `id`.
 */
export function checkLinkTarget(id: string, target: string): void {
  if (target !== id) return;
  const issues = [
    { path: "target", message: `is ${id}, the document itself: a document cannot link to itself` },
  ];
  throw new ValidationError({ message: formatIssues(`link of ${id}`, issues), issues });
}

/** What {@link KnowledgeBase.get} takes, no other field: a typo (`asof`) is an error, not the document as it is now. */
export const GetOptionsSchema = strictInput({ asOf: InstantSchema.optional() });

/**
 * The filters and page {@link KnowledgeBase.list} takes, no other field: a
 * typo (`kind` for `kinds`) is an error naming it and the options, not a
 * filter ignored.
 */
export const ListOptionsSchema = strictInput({
  ...SearchOptionsSchema.pick({
    kinds: true,
    lines: true,
    tags: true,
    authors: true,
    from: true,
    to: true,
    current: true,
    asOf: true,
    signal: true,
  }).shape,
  limit: z.union([z.number().int().min(1), z.literal(Number.POSITIVE_INFINITY)]).default(100),
  offset: z.number().int().min(0).default(0),
});

/**
 * Filters and paging of {@link KnowledgeBase.list}: the filters of a search,
 * and a page; `signal` cancels the listing as it cancels a search.
 */
export interface ListKnowledgeOptions
  extends Pick<
    SearchOptions,
    "kinds" | "lines" | "tags" | "authors" | "from" | "to" | "current" | "asOf" | "signal"
  > {
  /** Documents per page (default 100; `Infinity` for all). */
  limit?: number;
  /** Documents to skip, newest first (default 0). */
  offset?: number;
}
