/**
 * Snippets and highlighting of the words a query matched.
 *
 * @module
 */
import { checkArguments } from "@software-factory/core";
import { z } from "zod";
import { Text } from "../internal/arguments.js";
import { markdownText } from "./markdownText.js";
import { matchedSpans, queryWords } from "./tokenize.js";

/** A span of text that matched a query term. */
export interface Highlight {
  /** Offset of the first character in the text. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

const WORD = /[\p{L}\p{M}\p{N}_]+/gu;

/**
 * An English clitic after the apostrophe that joins it to its word (`'s`,
 * `'t`, `'ll`, `'re`, `'ve`, `'d`, `'m`, with `'` or `’`): the index splits
 * `factory's` into `factory` and `s`, but the `s` is no word of its own.
 */
const CLITIC = /(?<=[\p{L}\p{M}])['’](?:s|t|d|m|ll|re|ve)(?![\p{L}\p{M}\p{N}_])/giu;

/** The clitics of {@link CLITIC}, as words of the text. */
const CLITICS = new Set(["s", "t", "d", "m", "ll", "re", "ve"]);
const APOSTROPHE = /['’]/;
const LETTER = /[\p{L}\p{M}]/u;

/** Whether `word`, at `start` of `text`, is a {@link CLITIC}: the `s` of `factory's`. */
function isClitic(text: string, start: number, word: string): boolean {
  return (
    start >= 2 &&
    CLITICS.has(word.toLowerCase()) &&
    APOSTROPHE.test(text[start - 1] as string) &&
    LETTER.test(text[start - 2] as string)
  );
}

/**
 * The spans of `text` whose words match a term of `query` after the same
 * stemming and identifier splitting the index uses (`retries` matches `retry`,
 * `getUser` matches `user`). A clitic is never a match of its own: neither
 * the query's `'s` (`factory's` asks for `factory`) nor the text's (in
 * `team's` only `team` can match).
 *
 * @throws ValidationError naming `text` or `query` when one is not a string.
 */
export function highlightTerms(text: string, query: string): Highlight[] {
  checkArguments("highlightTerms", { text: [Text, text], query: [Text, query] });
  return uncheckedHighlightTerms(text, query);
}

/** {@link highlightTerms} without checking its arguments, for the package's own calls (some in hot loops). */
export function uncheckedHighlightTerms(text: string, query: string): Highlight[] {
  const terms = new Set(queryWords(query.replace(CLITIC, "")).values());
  if (terms.size === 0) return [];
  const spans: Highlight[] = [];
  for (const match of text.matchAll(WORD)) {
    if (isClitic(text, match.index, match[0])) continue;
    for (const [start, end] of matchedSpans(match[0], terms)) {
      spans.push({ start: match.index + start, end: match.index + end });
    }
  }
  return spans;
}

/**
 * The window of about `maxChars` characters of markdown `text`, read as plain
 * text, holding the most matches of `query`: heading, list and quote markers,
 * emphasis, link and image syntax (their text kept), code fences and backticks
 * (the code kept), table pipes and HTML tags are left out, the words stay in
 * their order on one line; matches are wrapped in `**` and `…` marks cuts.
 *
 * @throws ValidationError naming `text`, `query` or `maxChars` when one is of the wrong type.
 * @example
 * ```ts
 * snippet("# **Pricing** strategy\n\nSee [the plan](plan.md).", "pricing");
 * // "**Pricing** strategy See the plan."
 * ```
 */
export function snippet(text: string, query: string, maxChars = 240): string {
  checkArguments("snippet", { text: [Text, text], query: [Text, query], maxChars: [z.number(), maxChars] });
  return uncheckedSnippet(text, query, { maxChars });
}

/**
 * {@link snippet} without checking its arguments, for the package's own calls
 * (some in hot loops); with `highlight` false, the same window without the
 * `**` around its matches.
 */
export function uncheckedSnippet(
  text: string,
  query: string,
  { maxChars = 240, highlight = true }: { readonly maxChars?: number; readonly highlight?: boolean } = {},
): string {
  const flat = markdownText(text).replace(/\s+/g, " ").trim();
  const spans = uncheckedHighlightTerms(flat, query);
  let start = 0;
  if (flat.length > maxChars && spans.length > 0) {
    let best = 0;
    let bestCount = -1;
    for (let i = 0; i < spans.length; i += 1) {
      const from = (spans[i] as Highlight).start;
      let count = 0;
      for (let j = i; j < spans.length && (spans[j] as Highlight).end <= from + maxChars; j += 1) count += 1;
      if (count > bestCount) {
        bestCount = count;
        best = from;
      }
    }
    start = Math.max(0, Math.min(best - Math.floor(maxChars / 4), flat.length - maxChars));
    const space = flat.lastIndexOf(" ", start);
    if (space > start - 20 && space >= 0) start = space + 1;
  }
  const end = Math.min(flat.length, start + maxChars);
  let out = "";
  let cursor = start;
  for (const span of highlight ? spans : []) {
    if (span.start < start || span.end > end) continue;
    out += `${flat.slice(cursor, span.start)}**${flat.slice(span.start, span.end)}**`;
    cursor = span.end;
  }
  out += flat.slice(cursor, end);
  return `${start > 0 ? "…" : ""}${out}${end < flat.length ? "…" : ""}`;
}
