/**
 * Markdown read as plain text for snippets: the words of a chunk in their
 * order without the syntax around them, found by scanning lines, so that a
 * process that only searches never loads the markdown parser.
 *
 * @module
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^ {0,3}#{1,6}(?:\s+|$)/;
const CLOSING_HASHES = /\s+#+\s*$/;
/** A thematic break or a setext underline: nothing but `-`, `=`, `*` or `_` (and spaces). */
const RULE = /^ {0,3}(?:(?:[-*_=] *){3,}|=+|-+)\s*$/;
const QUOTE = /^ {0,3}(?:> ?)+/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
const LINK_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*\S+/;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
const HTML_TAG = /<\/?[A-Za-z][\w-]*(?:\s[^<>]*)?\/?>/g;
const AUTOLINK = /<((?:https?|mailto|ftp):[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>/g;
const IMAGE_OR_LINK = /!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])/g;
const FOOTNOTE_REFERENCE = /\[\^[^\]]+\]/g;
const STRONG_STAR = /\*\*(?=\S)([\s\S]*?\S)\*\*/g;
const STRONG_UNDERSCORE = /(?<![\p{L}\p{N}_])__(?=\S)([\s\S]*?\S)__(?![\p{L}\p{N}_])/gu;
const STRIKE = /~~(?=\S)([\s\S]*?\S)~~/g;
const EMPHASIS_STAR = /\*(?=[^\s*])([^*]*?[^\s*])\*/g;
const EMPHASIS_UNDERSCORE = /(?<![\p{L}\p{N}_])_(?=[^\s_])([^_]*?[^\s_])_(?![\p{L}\p{N}_])/gu;
/** A code span (its content in group 2) or a backslash escape (the character in group 3). */
const VERBATIM = /(`+)([\s\S]*?[^`])\1(?!`)|\\([!-/:-@[-`{-~])/g;

/** Inline syntax removed from text outside code spans: links keep their text, emphasis its words. */
function inlineText(text: string): string {
  return text
    .replace(HTML_COMMENT, "")
    .replace(AUTOLINK, "$1")
    .replace(HTML_TAG, "")
    .replace(FOOTNOTE_REFERENCE, "")
    .replace(IMAGE_OR_LINK, "$1")
    .replace(STRONG_STAR, "$1")
    .replace(STRONG_UNDERSCORE, "$1")
    .replace(STRIKE, "$1")
    .replace(EMPHASIS_STAR, "$1")
    .replace(EMPHASIS_UNDERSCORE, "$1");
}

/** A line's text with its inline syntax removed; code spans (without their backticks) and escaped characters kept as they are. */
function lineText(line: string): string {
  let out = "";
  let cursor = 0;
  for (const match of line.matchAll(VERBATIM)) {
    out += `${inlineText(line.slice(cursor, match.index))}${match[3] ?? (match[2] as string).trim()}`;
    cursor = match.index + match[0].length;
  }
  return out + inlineText(line.slice(cursor));
}

/** A table row's cells, separated by ` · ` instead of pipes. */
function tableRow(line: string): string {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim())
    .join(" · ");
}

/**
 * The plain text of markdown, line by line: heading markers, block quote and
 * list markers, task boxes, code fences, thematic breaks, setext underlines,
 * table delimiter rows and link definitions dropped; table cells joined by
 * ` · `; emphasis, strikethrough and HTML tags removed around their words;
 * links and images kept as their text; code kept verbatim. The words stay in
 * their order.
 *
 * @example
 * ```ts
 * markdownText("# **Pricing** strategy\n\nSee [the plan](plan.md).");
 * // "Pricing strategy\n\nSee the plan."
 * ```
 */
export function markdownText(markdown: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const opening = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (
        opening !== undefined &&
        opening[0] === fence[0] &&
        opening.length >= fence.length &&
        line.trim() === opening
      )
        fence = undefined;
      else lines.push(line);
      continue;
    }
    if (opening !== undefined) {
      fence = opening;
      continue;
    }
    if (RULE.test(line) || TABLE_DELIMITER.test(line) || LINK_DEFINITION.test(line)) continue;
    let text = line.replace(QUOTE, "");
    if (ATX_HEADING.test(text)) text = text.replace(ATX_HEADING, "").replace(CLOSING_HASHES, "");
    text = text.replace(LIST_ITEM, "");
    lines.push(lineText(/^\s*\|/.test(text) ? tableRow(text) : text));
  }
  return lines.join("\n");
}
