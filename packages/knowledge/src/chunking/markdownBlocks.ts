/**
 * The top-level blocks of a markdown document as the markdown parser sees
 * them, each with the heading path in force where it stands.
 *
 * @module
 */
import type { Heading, Nodes, Root, RootContent } from "mdast";
import { parseMarkdown } from "../internal/markdownParser.js";
import { uncheckedCountTokens } from "../tokens.js";
import type { Steps } from "./steps.js";

/** A top-level block of a document: what chunking packs into chunks. */
export interface Block {
  /** Source text of the block, trimmed. */
  readonly text: string;
  /** Headings above the block, outermost first (empty levels left out). */
  readonly headingPath: readonly string[];
  /** 1-based line where the block starts. */
  readonly startLine: number;
  /** {@link countTokens} of `text`. */
  readonly tokens: number;
  /** mdast node type (`heading`, `code`, `paragraph`...): headings start a chunk, code keeps its fence when cut. */
  readonly kind: string;
}

/**
 * Parses the document (micromark with GFM) and returns its non-empty
 * top-level blocks with the heading path in force at each.
 */
export function markdownBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  addBlocks(blocks, [], markdown, parseMarkdown(markdown), { offset: 0, line: 1 });
  return blocks;
}

/**
 * Characters of markdown {@link markdownBlockSteps} gives the parser at once,
 * where the document can be cut: the parser's time grows faster than its
 * input (2 MB of lists and quotes took seconds more than 250 pieces of 8 KB).
 */
const PIECE_CHARS = 8192;

/**
 * {@link markdownBlocks} in steps: the document is parsed in pieces of about
 * {@link PIECE_CHARS}, cut before ATX headings that start a line after a
 * blank one (where no construct of the lines before can go on), yielding the
 * characters of each parse. A piece whose last block is code or HTML that
 * runs to its end (a fence or comment left open, which a later line may close)
 * is parsed again with more of the document, twice as many cuts each time, so
 * a fence left open near the start costs a few parses of the rest, not one per
 * cut (which took minutes for 200 KB); code and HTML closed before the cut are
 * not parsed again (parsing each piece ending with a code block twice made
 * `docs/cli.md` parse 2.4 times over). A definition (`]:`) may be referred to
 * by inline markup anywhere, but block boundaries do not depend on inline
 * markup: only heading titles can change, so a document that may hold a
 * definition is parsed whole only when a heading may hold a reference (an ATX
 * heading line with a `[`, or a setext underline). A document with a lone
 * carriage return is parsed whole. `pieceChars` is for tests, which cut small
 * documents often.
 */
export function* markdownBlockSteps(markdown: string, pieceChars = PIECE_CHARS): Steps<Block[]> {
  const cuts = cutsOf(markdown);
  const blocks: Block[] = [];
  const path: string[] = [];
  let start = 0;
  let line = 1;
  let next = 0;
  for (;;) {
    while (next < cuts.length && (cuts[next] as number) - start < pieceChars) next += 1;
    let end = cuts[next] ?? markdown.length;
    let tree = parseMarkdown(markdown.slice(start, end));
    for (let more = 1; end < markdown.length && mayRunOn(tree.children.at(-1), end - start); more *= 2) {
      yield end - start;
      next += more;
      end = cuts[next] ?? markdown.length;
      tree = parseMarkdown(markdown.slice(start, end));
    }
    addBlocks(blocks, path, markdown, tree, { offset: start, line });
    for (let at = markdown.indexOf("\n", start); at !== -1 && at < end; at = markdown.indexOf("\n", at + 1))
      line += 1;
    yield end - start;
    if (end >= markdown.length) break;
    start = end;
  }
  return blocks;
}

/** Where a piece may start: lines opening with an ATX heading after a blank line (none when the document may not be cut). */
function cutsOf(markdown: string): number[] {
  if (/\r(?!\n)/.test(markdown)) return [];
  // A definition (`]:`) changes only the titles of headings holding a `[`: an ATX heading line with one, or any setext heading.
  if (markdown.includes("]:") && /^ {0,3}(?:#{1,6}[ \t].*\[|(?:=+|-+)[ \t]*\r?$)/m.test(markdown)) return [];
  const cuts: number[] = [];
  for (const match of markdown.matchAll(/\n[ \t]*\r?\n(?=#{1,6}(?:[ \t\r\n]|$))/g))
    cuts.push(match.index + match[0].length);
  return cuts;
}

/**
 * Whether a piece of `length` characters, which ends with a blank line, may
 * end inside its last block `node`: fenced code or HTML that only a later line
 * closes. The parser ends such a block at the end of the piece, blank line
 * included; a block closed in the piece (a closing fence, an HTML end
 * condition or a blank line) ends before that blank line, and most code and
 * HTML blocks at the end of a piece are closed.
 */
function mayRunOn(node: RootContent | undefined, length: number): boolean {
  if (node?.type !== "code" && node?.type !== "html") return false;
  return (node.position?.end.offset ?? length) >= length;
}

/** Adds the non-empty top-level blocks of a parsed piece of `markdown` starting at `from`, with `path` the heading path in force. */
function addBlocks(
  blocks: Block[],
  path: string[],
  markdown: string,
  tree: Root,
  from: { readonly offset: number; readonly line: number },
): void {
  for (const node of tree.children) {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    const text =
      start === undefined || end === undefined
        ? ""
        : markdown.slice(from.offset + start, from.offset + end).trim();
    if (text === "") continue;
    if (node.type === "heading") {
      path.length = Math.min(path.length, (node as Heading).depth - 1);
      while (path.length < (node as Heading).depth - 1) path.push("");
      path.push(plainText(node));
    }
    blocks.push({
      text,
      headingPath: path.filter((title) => title !== ""),
      startLine: from.line - 1 + (node.position?.start.line ?? 1),
      tokens: uncheckedCountTokens(text),
      kind: node.type,
    });
  }
}

/** The text of an mdast node without its markup: the values of its text, code and HTML nodes, joined. */
export function plainText(node: Nodes): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as Nodes[]).map(plainText).join("");
  return "";
}
