/**
 * The fast path of chunking: the blocks of a body made only of paragraphs of
 * prose, found by scanning lines instead of parsing markdown. Most captured
 * texts (tickets, transcripts, records) are such bodies, and the parser
 * (micromark with GFM) is most of the cost of chunking them.
 *
 * @module
 */
import { countTokens } from "../tokens.js";
import type { Block } from "./markdownBlocks.js";

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

const SPACE = 0x20;
const TAB = 0x09;
const CARRIAGE_RETURN = 0x0d;
const BACKTICK = 0x60;

/**
 * Returns the blocks that {@link markdownBlocks} would return for `markdown`
 * when it is plain prose: paragraphs separated by blank lines, where no line
 * could start any other block. Returns `undefined` at the first doubt (a line
 * starting with a markdown marker, a paragraph starting with an indent of
 * four columns, a control character...), and the caller parses instead.
 *
 * What a paragraph is follows CommonMark: a blank line holds only spaces and
 * tabs; a paragraph runs from its first line to the line before the next blank
 * one, and starts on its first line even when trimming drops that line's text
 * (only other Unicode spaces).
 */
export function plainProseBlocks(markdown: string): Block[] | undefined {
  if (PARSER_ONLY.test(markdown)) return undefined;
  const blocks: Block[] = [];
  let paragraphStart = -1;
  let paragraphLine = 0;
  let paragraphEnd = 0;
  const closeParagraph = (): void => {
    if (paragraphStart === -1) return;
    const text = markdown.slice(paragraphStart, paragraphEnd).trim();
    if (text !== "") {
      blocks.push({
        text,
        headingPath: [],
        startLine: paragraphLine,
        tokens: countTokens(text),
        kind: "paragraph",
      });
    }
    paragraphStart = -1;
  };
  let line = 0;
  for (let position = 0; position <= markdown.length; ) {
    const newline = markdown.indexOf("\n", position);
    const end = newline === -1 ? markdown.length : newline;
    const contentEnd = end > position && markdown.charCodeAt(end - 1) === CARRIAGE_RETURN ? end - 1 : end;
    line += 1;
    let first = position;
    let columns = 0;
    for (; first < contentEnd; first += 1) {
      const code = markdown.charCodeAt(first);
      if (code === SPACE) columns += 1;
      else if (code === TAB) columns += 4 - (columns % 4);
      else break;
    }
    if (first === contentEnd) {
      closeParagraph();
    } else {
      if (paragraphStart === -1) {
        if (columns >= 4) return undefined;
        paragraphStart = position;
        paragraphLine = line;
      }
      if (mayStartBlock(markdown, first)) return undefined;
      paragraphEnd = contentEnd;
    }
    position = end + 1;
  }
  closeParagraph();
  return blocks;
}

/**
 * Whether the line whose first character (after spaces and tabs) is at `at`
 * could start or underline a block other than a paragraph: ATX and setext
 * headings, thematic breaks, list items, block quotes, fences, HTML blocks,
 * link and footnote definitions, and GFM table delimiter rows (which start
 * with `|`, `:` or `-`; a table needs one, so `|` elsewhere is plain text).
 * Errs towards `true`.
 */
function mayStartBlock(markdown: string, at: number): boolean {
  const character = markdown[at] as string;
  switch (character) {
    case "#":
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
