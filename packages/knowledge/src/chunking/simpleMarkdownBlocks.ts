/**
 * The fast path of chunking: the blocks of a body made only of paragraphs, ATX
 * headings and simple lists, found by scanning lines instead of parsing
 * markdown. Most captured texts (tickets, transcripts, records) and many notes
 * are such bodies, and the parser (micromark with GFM) is most of the cost of
 * chunking them.
 *
 * @module
 */
import { parseMarkdown } from "../internal/markdownParser.js";
import { countTokenSteps, uncheckedCountTokens } from "../tokens.js";
import { type Block, plainText } from "./markdownBlocks.js";
import { runSteps, STEP_CHARS, type Steps } from "./steps.js";

/**
 * Characters that send the whole body to the parser: controls other than tab
 * and line feed (micromark turns NUL into U+FFFD, and form feed and vertical tab
 * are not blank to it), a byte order mark (skipped at the start, which moves
 * offsets) and a carriage return not followed by a line feed (a line ending of
 * its own).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const PARSER_ONLY = /[\0-\x08\v\f\x0e-\x1f\x7f\ufeff]|\r(?!\n)/;

/**
 * A letter or digit: after a run of `*`, `_`, `-` or `+` it makes emphasis or a
 * word, never a list item, thematic break, setext underline or table delimiter.
 */
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * Characters that may make inline markup in a heading (escapes, code, emphasis,
 * links, images, HTML, character references, strikethrough): a heading holding
 * one gets its title from the parser, given that line alone.
 */
const INLINE_MARKUP = /[\\`*_[\]<>!&~]/;

const SPACE = 0x20;
const TAB = 0x09;
const CARRIAGE_RETURN = 0x0d;
const BACKTICK = 0x60;
const HASH = 0x23;

/** The list a line continues: its marker kind (`-`, `*`, `+`, `.` or `)`) and where its current item's content starts. */
interface OpenList {
  readonly marker: string;
  contentColumn: number;
  blankSince: boolean;
}

/** A list item marker at the start of a line's content, with where the item's content starts. */
interface ListMarker {
  /** `-`, `*` or `+` for a bullet, the delimiter `.` or `)` for an ordered item. */
  readonly marker: string;
  /** Whether it may start a list that interrupts a paragraph (every bullet with content; ordered only from 1). */
  readonly interrupts: boolean;
  /** Column where the item's content starts. */
  readonly contentColumn: number;
}

/** Returned by the line checks when a line is beyond the scanner: the caller parses. */
const DECLINE = "decline";

/**
 * Returns the blocks that {@link markdownBlocks} would return for `markdown`
 * when it holds only paragraphs, ATX headings and lists of one-line-start
 * items whose content is text. Returns `undefined` at the first doubt (a line
 * starting any other block, a paragraph or item starting with an indent of
 * code, a tab in a list marker, a control character...), and the caller
 * parses instead.
 *
 * What the blocks are follows CommonMark: a blank line holds only spaces and
 * tabs; a paragraph runs from its first line to the line before the next blank
 * one or the next heading or list that interrupts it, and starts on its first
 * line even when trimming drops that line's text (only other Unicode spaces);
 * a list runs from its first marker to the last line that belongs to one of
 * its items (indented to the item's content, a lazy continuation of its text,
 * or a next item with the same kind of marker), across blank lines.
 */
export function simpleMarkdownBlocks(markdown: string): Block[] | undefined {
  return runSteps(simpleMarkdownBlockSteps(markdown));
}

/**
 * {@link simpleMarkdownBlocks} in steps: the generator yields the number of
 * characters scanned since it last yielded, about every {@link STEP_CHARS},
 * and returns the blocks (or `undefined`), so a caller can give the event
 * loop turns inside a long document.
 */
export function* simpleMarkdownBlockSteps(markdown: string): Steps<Block[] | undefined> {
  if (PARSER_ONLY.test(markdown)) return undefined;
  const blocks: Block[] = [];
  // Heading titles by level (empty for levels skipped), and the path blocks carry.
  const titles: string[] = [];
  let headingPath: readonly string[] = [];
  let openKind: "paragraph" | "list" | undefined;
  let openStart = 0;
  let openLine = 0;
  let openEnd = 0;
  let list: OpenList | undefined;
  // Counting a block's tokens yields too: a block may be one line of megabytes.
  const close = function* (): Steps<void> {
    if (openKind === undefined) return;
    const text = markdown.slice(openStart, openEnd).trim();
    if (text !== "") {
      const tokens = yield* countTokenSteps(text);
      blocks.push({ text, headingPath, startLine: openLine, tokens, kind: openKind });
    }
    openKind = undefined;
    list = undefined;
  };
  let line = 0;
  let reported = 0;
  for (let position = 0; position <= markdown.length; ) {
    if (position - reported >= STEP_CHARS) {
      yield position - reported;
      reported = position;
    }
    const lineBegin = position;
    const newline = markdown.indexOf("\n", lineBegin);
    const end = newline === -1 ? markdown.length : newline;
    const contentEnd = end > lineBegin && markdown.charCodeAt(end - 1) === CARRIAGE_RETURN ? end - 1 : end;
    position = end + 1;
    line += 1;
    let first = lineBegin;
    let columns = 0;
    for (; first < contentEnd; first += 1) {
      const code = markdown.charCodeAt(first);
      if (code === SPACE) columns += 1;
      else if (code === TAB) columns += 4 - (columns % 4);
      else break;
    }
    if (first === contentEnd) {
      if (openKind === "paragraph") yield* close();
      else if (list !== undefined) list.blankSince = true;
      continue;
    }
    const marker =
      columns < 4 ? listMarker(markdown, first, contentEnd, columns, first - lineBegin) : undefined;
    if (marker === DECLINE) return undefined;
    if (list !== undefined) {
      if (columns >= list.contentColumn) {
        // Inside the current item: text, or a nested item of text. Code after a blank line is left to the parser.
        if (list.blankSince && columns >= list.contentColumn + 4) return undefined;
        if (
          marker === undefined &&
          (isAtxHeading(markdown, first, contentEnd) || mayStartBlock(markdown, first))
        ) {
          return undefined;
        }
        list.blankSince = false;
        openEnd = contentEnd;
        continue;
      }
      if (columns >= 4) return undefined;
      if (marker !== undefined && marker.marker === list.marker) {
        list.contentColumn = marker.contentColumn;
        list.blankSince = false;
        openEnd = contentEnd;
        continue;
      }
      if (marker === undefined && !list.blankSince && !isAtxHeading(markdown, first, contentEnd)) {
        // A lazy continuation of the item's text.
        if (mayStartBlock(markdown, first)) return undefined;
        openEnd = contentEnd;
        continue;
      }
      yield* close();
    } else if (openKind === "paragraph") {
      const interrupts =
        columns < 4 && (marker !== undefined ? marker.interrupts : isAtxHeading(markdown, first, contentEnd));
      if (!interrupts) {
        if (marker !== undefined || mayStartBlock(markdown, first)) return undefined;
        openEnd = contentEnd;
        continue;
      }
      yield* close();
    }
    // A line that starts a block.
    if (columns >= 4) return undefined;
    if (marker !== undefined) {
      openKind = "list";
      list = { marker: marker.marker, contentColumn: marker.contentColumn, blankSince: false };
    } else if (isAtxHeading(markdown, first, contentEnd)) {
      const depth = headingDepth(markdown, first);
      titles.length = Math.min(titles.length, depth - 1);
      while (titles.length < depth - 1) titles.push("");
      titles.push(headingTitle(markdown, first, depth, contentEnd));
      headingPath = titles.filter((title) => title !== "");
      const text = markdown.slice(first, contentEnd).trim();
      blocks.push({
        text,
        headingPath,
        startLine: line,
        tokens: uncheckedCountTokens(text),
        kind: "heading",
      });
      continue;
    } else if (mayStartBlock(markdown, first)) {
      return undefined;
    } else {
      openKind = "paragraph";
    }
    openStart = lineBegin;
    openLine = line;
    openEnd = contentEnd;
  }
  yield* close();
  return blocks;
}

/** The number of `#` opening the line at `at` (its content starts there). */
function headingDepth(markdown: string, at: number): number {
  let depth = 0;
  while (markdown.charCodeAt(at + depth) === HASH) depth += 1;
  return depth;
}

/** Whether the line content from `at` to `end` is an ATX heading: 1 to 6 `#`, then a space, a tab or the end of the line. */
function isAtxHeading(markdown: string, at: number, end: number): boolean {
  const depth = headingDepth(markdown, at);
  if (depth === 0 || depth > 6) return false;
  const next = at + depth;
  return next === end || markdown.charCodeAt(next) === SPACE || markdown.charCodeAt(next) === TAB;
}

/**
 * The plain text of the ATX heading from `at` (its first `#`) to `end`, opened
 * by `depth` `#`: spaces and tabs around it and a closing run of `#` dropped.
 * With inline markup, the parser reads the heading's line alone (no
 * definition elsewhere can change it: a body with one is declined).
 */
function headingTitle(markdown: string, at: number, depth: number, end: number): string {
  let start = at + depth;
  let stop = end;
  const isBlank = (code: number) => code === SPACE || code === TAB;
  while (start < stop && isBlank(markdown.charCodeAt(start))) start += 1;
  while (stop > start && isBlank(markdown.charCodeAt(stop - 1))) stop -= 1;
  let closing = stop;
  while (closing > start && markdown.charCodeAt(closing - 1) === HASH) closing -= 1;
  // A closing run follows a space or tab: the one after the opening run when it is all there is (`# #`).
  if (closing < stop && isBlank(markdown.charCodeAt(closing - 1))) {
    stop = closing;
    while (stop > start && isBlank(markdown.charCodeAt(stop - 1))) stop -= 1;
  }
  const title = markdown.slice(start, stop);
  if (!INLINE_MARKUP.test(title)) return title;
  const heading = parseMarkdown(markdown.slice(at, end)).children[0];
  return heading === undefined ? "" : plainText(heading);
}

/**
 * The list item marker the line content at `at` (indented `columns`, under 4)
 * starts with (`indentLength` characters of spaces and tabs before it),
 * `undefined` when it starts with none, or {@link DECLINE} for an
 * item this scanner leaves to the parser: a tab in its indent or after its
 * marker, no content on the marker's line, content indented as code, or
 * content that may start a block of its own.
 */
function listMarker(
  markdown: string,
  at: number,
  end: number,
  columns: number,
  indentLength: number,
): ListMarker | typeof DECLINE | undefined {
  let after = at;
  let marker: string;
  let interrupts = true;
  const character = markdown[at] as string;
  if (character === "-" || character === "*" || character === "+") {
    marker = character;
    after = at + 1;
  } else if (character >= "0" && character <= "9") {
    while (
      after < end &&
      after - at < 10 &&
      (markdown[after] as string) >= "0" &&
      (markdown[after] as string) <= "9"
    ) {
      after += 1;
    }
    if (after - at > 9) return undefined;
    marker = markdown.charAt(after);
    if (marker !== "." && marker !== ")") return undefined;
    interrupts = markdown.slice(at, after) === "1";
    after += 1;
  } else {
    return undefined;
  }
  if (after === end) return DECLINE;
  const next = markdown.charCodeAt(after);
  if (next === TAB) return DECLINE;
  if (next !== SPACE) return undefined;
  let content = after;
  while (content < end && markdown.charCodeAt(content) === SPACE) content += 1;
  const spaces = content - after;
  if (content === end || spaces > 4 || markdown.charCodeAt(content) === TAB) return DECLINE;
  if (indentLength !== columns) return DECLINE;
  if (isAtxHeading(markdown, content, end) || mayStartBlock(markdown, content)) return DECLINE;
  return { marker, interrupts, contentColumn: columns + (after - at) + spaces };
}

/**
 * Whether the line whose first character (after spaces and tabs) is at `at`
 * could start or underline a block other than a paragraph, an ATX heading
 * (`#`: the caller checks for one) or a list item (the caller reads one first):
 * setext headings, thematic breaks, list items, block quotes, fences, HTML
 * blocks, link and footnote definitions, and GFM table delimiter rows (which
 * start with `|`, `:` or `-`; a table needs one, so `|` elsewhere is plain
 * text). Errs towards `true`.
 */
function mayStartBlock(markdown: string, at: number): boolean {
  const character = markdown[at] as string;
  switch (character) {
    case ">":
    case "<":
    case "[":
    case "|":
    case "=":
    case "~":
      return true;
    case "`":
      return markdown.charCodeAt(at + 1) === BACKTICK;
    case ":": {
      // A table delimiter cell aligned left (`:--`) has a dash right after the colon.
      const next = markdown.charAt(at + 1);
      return next !== " " && !WORD_CHARACTER.test(next);
    }
    case "*":
    case "_":
    case "-":
    case "+": {
      let next = at + 1;
      while (markdown[next] === character) next += 1;
      return !WORD_CHARACTER.test(markdown.charAt(next));
    }
    default:
      return character >= "0" && character <= "9" && /^[0-9]+[.)]/.test(markdown.slice(at, at + 12));
  }
}
