/**
 * Code spans of a markdown text as CommonMark reads them, a span running
 * over the lines of its paragraph. Internal to the package.
 *
 * @module
 */
import { LIST_ITEM } from "./fences.js";

/** Block-quote markers at the start of a line (`> `, `> > `). */
const QUOTE = /^(?: {0,3}>[ \t]?)+/;
/** A line that is a block of its own: an ATX heading, a thematic break or a setext underline. */
const OWN_BLOCK =
  /^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:\*[ \t]*){3,}$|(?:_[ \t]*){3,}$|(?:-[ \t]*){3,}$|=+[ \t]*$)/;

/**
 * Each line with the text of its code spans blanked (spaces, so columns stay
 * put), as CommonMark finds spans: a run of backquotes opens one that the
 * next run of as many closes, over line ends but not past its paragraph (a
 * blank line, a line that is not prose, a heading, a list item, a thematic
 * break or the start of a block quote ends it); a run never closed is
 * literal, and a backslash before a backquote outside a span makes it
 * literal. Lines that are not prose (`prose[i]` not true) are returned as
 * they are.
 */
export function withoutCodeSpans(lines: readonly string[], prose: readonly boolean[]): string[] {
  const visible = [...lines];
  let start = 0;
  const flush = (end: number) => {
    if (end > start) blankSpans(visible, start, end);
    start = end;
  };
  let quoted = false;
  lines.forEach((line, index) => {
    const inner = line.replace(QUOTE, "");
    const wasQuoted = quoted;
    quoted = inner !== line;
    if (prose[index] !== true || inner.trim() === "") {
      flush(index);
      start = index + 1;
    } else if (OWN_BLOCK.test(inner)) {
      flush(index);
      flush(index + 1);
    } else if (LIST_ITEM.test(inner) || (quoted && !wasQuoted)) flush(index);
  });
  flush(lines.length);
  return visible;
}

/** Blanks the code spans of the paragraph made of `lines[start..end)`, in place. */
function blankSpans(lines: string[], start: number, end: number): void {
  const text = lines.slice(start, end).join("\n");
  if (!text.includes("`")) return;
  const spans = codeSpans(text);
  if (spans.length === 0) return;
  let blanked = "";
  let at = 0;
  for (const [from, to] of spans) {
    blanked += text.slice(at, from) + text.slice(from, to).replace(/[^\n]/g, " ");
    at = to;
  }
  blanked += text.slice(at);
  blanked.split("\n").forEach((line, offset) => {
    lines[start + offset] = line;
  });
}

/** The `[from, to)` offsets of the code spans of a paragraph's text, backquotes included, in order. */
function codeSpans(text: string): [number, number][] {
  // Each run of backquotes: where it starts, how long it is, whether an odd number of backslashes comes right before it.
  const runs: { at: number; length: number; escaped: boolean }[] = [];
  for (const match of text.matchAll(/(\\*)(`+)/g)) {
    const slashes = (match[1] as string).length;
    runs.push({
      at: (match.index ?? 0) + slashes,
      length: (match[2] as string).length,
      escaped: slashes % 2 === 1,
    });
  }
  // The runs of each length, and how far each length's list has been passed: a closer is searched once.
  const byLength = new Map<number, number[]>();
  runs.forEach((run, index) => {
    const same = byLength.get(run.length);
    if (same === undefined) byLength.set(run.length, [index]);
    else same.push(index);
  });
  const passed = new Map<number, number>();
  const spans: [number, number][] = [];
  for (let index = 0; index < runs.length; index++) {
    const run = runs[index] as (typeof runs)[number];
    // Outside a span, an escaped backquote is literal and the rest of its run may open one.
    const length = run.escaped ? run.length - 1 : run.length;
    if (length === 0) continue;
    const candidates = byLength.get(length) ?? [];
    let next = passed.get(length) ?? 0;
    while (next < candidates.length && (candidates[next] as number) <= index) next++;
    passed.set(length, next);
    const closer = candidates[next];
    if (closer === undefined) continue;
    const close = runs[closer] as (typeof runs)[number];
    spans.push([run.at + run.length - length, close.at + close.length]);
    index = closer;
  }
  return spans;
}
