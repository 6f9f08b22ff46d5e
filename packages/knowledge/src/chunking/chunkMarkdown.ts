/**
 * Markdown chunking that keeps structure: sections, lists, code blocks and
 * tables stay whole where they fit, and every chunk knows its heading path.
 *
 * @module
 */
import { checkArguments } from "@software-factory/core";
import { z } from "zod";
import { OptionsArgument, Text } from "../internal/arguments.js";
import { parseInput } from "../internal/parse.js";
import { countTokenSteps, uncheckedCountTokens } from "../tokens.js";
import { type Block, markdownBlockSteps } from "./markdownBlocks.js";
import { simpleMarkdownBlockSteps } from "./simpleMarkdownBlocks.js";
import { runSteps, STEP_CHARS, type Steps } from "./steps.js";

/** Options of {@link chunkMarkdown}. */
export interface ChunkOptions {
  /** Largest chunk, in tokens (default 256). */
  readonly maxTokens?: number;
  /** Tokens repeated from the end of a split block at the start of the next chunk (default 32). */
  readonly overlapTokens?: number;
}

/** A piece of a markdown document, sized for indexing and for a model's context. */
export interface Chunk {
  /** 0-based position in the document. */
  readonly index: number;
  /** Markdown text of the chunk. */
  readonly text: string;
  /** Headings above the chunk, outermost first (`["Design", "Storage"]`). */
  readonly headingPath: readonly string[];
  /** 1-based line where the chunk starts in the document. */
  readonly startLine: number;
  /** Approximate token count of `text`. */
  readonly tokens: number;
}

/**
 * Splits markdown into chunks of at most `maxTokens`: consecutive blocks of one
 * section are packed together; a new heading starts a new chunk; a block too
 * big on its own (a long code block, table or list) is cut between lines, with
 * `overlapTokens` of overlap, and code fences are closed and reopened so every
 * chunk stays valid markdown.
 *
 * A body that is only paragraphs, ATX headings (`# Title`) and lists of
 * text (no line that could start a setext heading, quote, code block, table,
 * HTML block, thematic break or definition) is cut by a line scanner, with the
 * same chunks the parser would give; only a heading with inline markup is
 * parsed, alone. Otherwise the markdown parser loads on the first call (through
 * `require` of ES modules: Node 20.19 or later); a knowledge base loads it
 * ahead, on any Node.
 *
 * @throws ValidationError when `maxTokens` is not a whole number of at least
 * 16, or `overlapTokens` not a whole number of 0 or more (the message names
 * the option and the value), or naming `markdown` when it is not a string.
 * @example
 * ```ts
 * chunkMarkdown("# Checkout\n\nPayment retries...", { maxTokens: 200 });
 * // [{ index: 0, text: "# Checkout\n\nPayment retries...", headingPath: ["Checkout"], ... }]
 * ```
 */
export function chunkMarkdown(markdown: string, options: ChunkOptions = {}): Chunk[] {
  checkArguments("chunkMarkdown", { markdown: [Text, markdown], options: [OptionsArgument, options] });
  return runSteps(chunkMarkdownSteps(markdown, options));
}

/**
 * {@link chunkMarkdown} in steps, for a caller that gives the event loop turns
 * inside a long document: the generator yields the characters of work done
 * since it last yielded (about every {@link STEP_CHARS} of markdown scanned
 * and again of blocks packed) and returns the same chunks. A document that
 * goes to the markdown parser is parsed in pieces of about 8 KB where it can
 * be cut (see `markdownBlockSteps`).
 *
 * @throws ValidationError on the first step, as {@link chunkMarkdown}.
 */
export function* chunkMarkdownSteps(markdown: string, options: ChunkOptions = {}): Steps<Chunk[]> {
  const sizes = chunkSizes(options);
  const blocks = (yield* simpleMarkdownBlockSteps(markdown)) ?? (yield* markdownBlockSteps(markdown));
  return yield* packBlockSteps(blocks, sizes);
}

/** `maxTokens` and `overlapTokens` of {@link ChunkOptions} with defaults applied and checked. */
export interface ChunkSizes {
  readonly maxTokens: number;
  readonly overlapTokens: number;
}

/** A value as a message shows it: numbers as written (`NaN`, `Infinity`), anything else as JSON. */
const shown = (value: unknown) => (typeof value === "number" ? String(value) : JSON.stringify(value));

/** A count of tokens: a whole number of at least `min`, `what` saying what the minimum means. */
const tokenCount = (min: number, what: string) =>
  z
    .number({ error: (issue) => `must be a whole number of tokens, got ${shown(issue.input)}` })
    .int({ error: (issue) => `must be a whole number of tokens, got ${shown(issue.input)}` })
    .min(min, { error: (issue) => `must be ${what}, got ${shown(issue.input)}` });

/** {@link ChunkOptions} as given: a chunk of at least 16 tokens, an overlap of none or more. */
export const ChunkOptionsSchema = z.object({
  maxTokens: tokenCount(16, "at least 16 tokens").optional(),
  overlapTokens: tokenCount(0, "0 or more tokens").optional(),
});

/**
 * Applies the defaults of {@link ChunkOptions} and checks them. An overlap
 * over half of `maxTokens` is cut to half.
 *
 * @throws ValidationError naming the option and the value given: a
 * `maxTokens` that is not a whole number of at least 16, or an
 * `overlapTokens` that is not a whole number of 0 or more.
 */
export function chunkSizes(options: ChunkOptions): ChunkSizes {
  const given = parseInput(ChunkOptionsSchema, options, "chunk options");
  const maxTokens = given.maxTokens ?? 256;
  const overlapTokens = Math.min(given.overlapTokens ?? 32, Math.floor(maxTokens / 2));
  return { maxTokens, overlapTokens };
}

/**
 * Packs the blocks of a document into chunks (the second half of
 * {@link chunkMarkdown}, after the blocks are found). Internal to the package:
 * tests call it with the parser's blocks to compare them with the fast path.
 */
export function packBlocks(blocks: readonly Block[], sizes: ChunkSizes): Chunk[] {
  return runSteps(packBlockSteps(blocks, sizes));
}

/** {@link packBlocks} in steps: yields about every {@link STEP_CHARS} characters of blocks packed. */
function* packBlockSteps(blocks: readonly Block[], { maxTokens, overlapTokens }: ChunkSizes): Steps<Chunk[]> {
  const chunks: Omit<Chunk, "index">[] = [];
  let pending: Block[] = [];
  const textOf = (count: number) =>
    pending
      .slice(0, count)
      .map((block) => block.text)
      .join("\n\n");
  const flush = (): void => {
    let first = pending[0];
    while (first !== undefined) {
      // One block (most short documents): its text and token count are the chunk's.
      let count = pending.length;
      let text = count === 1 ? first.text : textOf(count);
      let tokens = count === 1 ? first.tokens : uncheckedCountTokens(text);
      // The blank lines joining the blocks are not in the sum: when they tip the chunk over, keep the most blocks that fit.
      if (tokens > maxTokens && count > 1) {
        let low = 1;
        while (count - low > 1) {
          const middle = Math.floor((low + count) / 2);
          if (uncheckedCountTokens(textOf(middle)) <= maxTokens) low = middle;
          else count = middle;
        }
        count = low;
        text = textOf(count);
        tokens = uncheckedCountTokens(text);
      }
      chunks.push({ text, headingPath: first.headingPath, startLine: first.startLine, tokens });
      pending = pending.slice(count);
      first = pending[0];
    }
  };
  let packed = 0;
  for (const block of blocks) {
    if (packed >= STEP_CHARS) {
      yield packed;
      packed = 0;
    }
    packed += block.text.length;
    const pendingTokens = pending.reduce((sum, held) => sum + held.tokens, 0);
    const sameSection = pending[0] === undefined || samePath(pending[0].headingPath, block.headingPath);
    if (block.kind === "heading" || !sameSection || pendingTokens + block.tokens > maxTokens) flush();
    if (block.tokens > maxTokens) {
      for (const piece of yield* splitBlockSteps(block, maxTokens, overlapTokens)) chunks.push(piece);
      continue;
    }
    pending.push(block);
  }
  flush();
  return chunks.map((chunk, index) => ({ index, ...chunk }));
}

/**
 * Cuts an oversized block between lines (between words for a single long
 * line), yielding about every {@link STEP_CHARS} characters of lines counted
 * and again of pieces cut.
 */
function* splitBlockSteps(
  block: Block,
  maxTokens: number,
  overlapTokens: number,
): Steps<Omit<Chunk, "index">[]> {
  const fence = block.kind === "code" ? fenceOf(block.text) : undefined;
  let lines = block.text.split("\n");
  if (fence !== undefined) lines = lines.slice(1, lines.at(-1)?.startsWith(fence.close) ? -1 : undefined);
  // What a chunk's lines may take: the fences reopened around them, with the newlines between them and the lines, count too.
  const budget =
    maxTokens - (fence === undefined ? 0 : uncheckedCountTokens(`${fence.open}\n\n${fence.close}`));
  // Each unit (a line, or a piece of a line over the budget) with its token count, counted once.
  const units: string[] = [];
  const unitTokens: number[] = [];
  let counted = 0;
  for (const line of lines) {
    if (counted >= STEP_CHARS) {
      yield counted;
      counted = 0;
    }
    counted += line.length + 1;
    const tokens = yield* countTokenSteps(line);
    if (tokens <= budget) {
      units.push(line);
      unitTokens.push(tokens);
      continue;
    }
    for (const piece of yield* wordSteps(line, tokens, budget)) {
      units.push(piece);
      unitTokens.push(uncheckedCountTokens(piece));
    }
  }
  const tokensOf = (index: number) => unitTokens[index] as number;
  const textOf = (from: number, to: number) => {
    const body = units.slice(from, to).join("\n");
    return fence === undefined ? body : `${fence.open}\n${body}\n${fence.close}`;
  };
  const pieces: Omit<Chunk, "index">[] = [];
  let start = 0;
  let cut = 0;
  while (start < units.length) {
    if (cut >= STEP_CHARS) {
      yield cut;
      cut = 0;
    }
    let end = start;
    let sum = 0;
    while (end < units.length && (end === start || sum + tokensOf(end) <= budget)) {
      sum += tokensOf(end);
      end += 1;
    }
    let text = textOf(start, end);
    let tokens = uncheckedCountTokens(text);
    // The newlines joining the lines are not in the sum: when they tip the chunk over, keep the most lines that fit.
    if (tokens > maxTokens && end - start > 1) {
      let low = start + 1;
      let high = end;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (uncheckedCountTokens(textOf(start, middle)) <= maxTokens) low = middle;
        else high = middle;
      }
      end = low;
      text = textOf(start, end);
      tokens = uncheckedCountTokens(text);
    }
    pieces.push({ text, headingPath: block.headingPath, startLine: block.startLine + start, tokens });
    cut += text.length;
    if (end >= units.length) break;
    let back = end;
    let overlap = 0;
    while (back - 1 > start && overlap + tokensOf(back - 1) <= overlapTokens) {
      back -= 1;
      overlap += tokensOf(back);
    }
    start = back;
  }
  return pieces;
}

/**
 * Cuts a line of `lineTokens` tokens, more than `maxTokens`, between words:
 * each piece takes as many whole words (with the whitespace after them) as
 * fit in `maxTokens`, and at least one. These are the pieces adding words one
 * by one would give, found with a few counts per piece instead of one per
 * word: a piece's count only grows as words are added (words end at
 * whitespace, so no word or symbol the count sees spans two of them), so the
 * largest piece that fits is found by guessing its length from the line's
 * characters per token, then doubling steps from the guess and halving the
 * last step. Yields about every {@link STEP_CHARS} characters of the line
 * scanned for word ends, and again of pieces cut: the line may be megabytes.
 */
function* wordSteps(line: string, lineTokens: number, maxTokens: number): Steps<string[]> {
  // The words end after each whitespace character and at the end of the line (as `line.split(/(?<=\s)/)` cuts it).
  // ends[i]: where the piece ending with word i - 1 ends in `line` (ends[0] = 0).
  const ends = [0];
  const space = /\s/g;
  let reported = 0;
  for (let match = space.exec(line); match !== null; match = space.exec(line)) {
    if (space.lastIndex < line.length) ends.push(space.lastIndex);
    if (space.lastIndex - reported >= STEP_CHARS) {
      yield space.lastIndex - reported;
      reported = space.lastIndex;
    }
  }
  ends.push(line.length);
  const words = ends.length - 1;
  const endOf = (count: number) => ends[count] as number;
  const targetChars = Math.floor((maxTokens * line.length) / lineTokens);
  const pieces: string[] = [];
  let cut = 0;
  let start = 0;
  while (start < words) {
    if (cut >= STEP_CHARS) {
      yield cut;
      cut = 0;
    }
    const from = endOf(start);
    const fits = (end: number) => uncheckedCountTokens(line.slice(from, endOf(end))) <= maxTokens;
    let guess = start + 1;
    while (guess < words && endOf(guess + 1) - from <= targetChars) guess += 1;
    // Pieces ending at `low` or before fit (none known when low is start); those ending at `high` or after do not.
    let low = start;
    let high = words + 1;
    if (fits(guess)) {
      low = guess;
      for (let step = 1; low < words; step *= 2) {
        const probe = Math.min(low + step, words);
        if (!fits(probe)) {
          high = probe;
          break;
        }
        low = probe;
      }
    } else {
      high = guess;
      for (let step = 1; high - 1 > start; step *= 2) {
        const probe = Math.max(high - step, start + 1);
        if (fits(probe)) {
          low = probe;
          break;
        }
        high = probe;
      }
    }
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (fits(middle)) low = middle;
      else high = middle;
    }
    const end = Math.max(low, start + 1);
    pieces.push(line.slice(from, endOf(end)));
    cut += endOf(end) - from;
    start = end;
  }
  return pieces;
}

function fenceOf(text: string): { open: string; close: string } | undefined {
  const first = text.split("\n", 1)[0] ?? "";
  const match = /^(\s*)(`{3,}|~{3,})/.exec(first);
  return match === null ? undefined : { open: first, close: `${match[1]}${match[2]}` };
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((title, index) => title === b[index]);
}
