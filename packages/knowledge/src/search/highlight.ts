/**
 * Snippets and highlighting of the words a query matched.
 *
 * @module
 */
import { queryWords, tokenize } from "./tokenize.js";

/** A span of text that matched a query term. */
export interface Highlight {
  /** Offset of the first character in the text. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * The spans of `text` whose words match a term of `query` after the same
 * stemming and identifier splitting the index uses (`retries` matches `retry`,
 * `getUser` matches `user`).
 */
export function highlightTerms(text: string, query: string): Highlight[] {
  const terms = new Set(queryWords(query).values());
  if (terms.size === 0) return [];
  const spans: Highlight[] = [];
  for (const match of text.matchAll(WORD)) {
    if (tokenize(match[0]).some((term) => terms.has(term))) {
      spans.push({ start: match.index, end: match.index + match[0].length });
    }
  }
  return spans;
}

/**
 * The window of about `maxChars` characters of `text` holding the most matches
 * of `query`, with matches wrapped in `**` and `…` marking cuts.
 */
export function snippet(text: string, query: string, maxChars = 240): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const spans = highlightTerms(flat, query);
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
  for (const span of spans) {
    if (span.start < start || span.end > end) continue;
    out += `${flat.slice(cursor, span.start)}**${flat.slice(span.start, span.end)}**`;
    cursor = span.end;
  }
  out += flat.slice(cursor, end);
  return `${start > 0 ? "…" : ""}${out}${end < flat.length ? "…" : ""}`;
}
