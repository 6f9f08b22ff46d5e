/**
 * The top-level blocks of a markdown document as the markdown parser sees
 * them, each with the heading path in force where it stands.
 *
 * @module
 */
import type { Heading, Nodes, Root, RootContent } from "mdast";
import { parseMarkdown } from "../internal/markdownParser.js";
import { countTokens } from "../tokens.js";

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
  const tree: Root = parseMarkdown(markdown);
  const blocks: Block[] = [];
  const path: string[] = [];
  for (const node of tree.children) {
    const text = sliceOf(markdown, node).trim();
    if (text === "") continue;
    if (node.type === "heading") {
      path.length = Math.min(path.length, (node as Heading).depth - 1);
      while (path.length < (node as Heading).depth - 1) path.push("");
      path.push(plainText(node));
    }
    blocks.push({
      text,
      headingPath: path.filter((title) => title !== ""),
      startLine: node.position?.start.line ?? 1,
      tokens: countTokens(text),
      kind: node.type,
    });
  }
  return blocks;
}

function sliceOf(markdown: string, node: RootContent): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? "" : markdown.slice(start, end);
}

/** The text of an mdast node without its markup: the values of its text, code and HTML nodes, joined. */
export function plainText(node: Nodes): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as Nodes[]).map(plainText).join("");
  return "";
}
