/**
 * The `@path` words of a markdown text that Claude Code reads as imports,
 * and those it does not although they look meant as one. Internal to the
 * package.
 *
 * @module
 */
import { withoutCodeSpans } from "./codeSpans.js";
import { outsideCode } from "./fences.js";

/**
 * An import as Claude Code finds it: `@` at the start of a line or after
 * whitespace, then a path up to the next whitespace (`\ ` is a space in it).
 */
const IMPORT = /(^|\s)@((?:[^\s\\]|\\ )+)/g;
/** An `@path` written right after an opening bracket, quote or emphasis mark (`(@docs/git.md)`), which Claude Code does not import. */
const ATTACHED = /[([{<"'*_]@((?:[^\s\\]|\\ )+)/g;

/** An `@path` import in a file's text. */
export interface Import {
  /** The path as written, `\ ` read as a space. */
  readonly path: string;
  /** 1-based line of its `@`. */
  readonly line: number;
  /** 1-based column of its `@`. */
  readonly column: number;
  /** The whole word as written when a backslash cut its path short (`docs\git.md`, whose path is `docs`). */
  readonly written?: string;
}

/**
 * The `@path` imports of a markdown text, as Claude Code reads them: not in
 * code fences, indented code blocks or code spans, and only paths that start as a path does
 * (`./`, `~/`, `/`, a letter, digit, `.`, `_` or `-`: not `@@` or `@#`).
 */
export function findImports(text: string): Import[] {
  return proseMatches(text, IMPORT).flatMap(({ match, line, column, visible }) => {
    const raw = match[2] as string;
    const path = raw.replace(/\\ /g, " ");
    if (!/^(?:\.\/|~\/|\/.|[\p{L}\p{N}._-])/u.test(path)) return [];
    const at = column - 1 + (match[1] as string).length;
    // A backslash not before a space ends the path (`@docs\git.md` imports `docs`): the whole word is kept.
    const end = at + 1 + raw.length;
    const written = visible[end] === "\\" ? raw + (/^\S*/.exec(visible.slice(end))?.[0] ?? "") : undefined;
    return [{ path, line, column: at + 1, ...(written === undefined ? {} : { written }) }];
  });
}

/**
 * The `@path` words of a markdown text that Claude Code does not import
 * because a bracket, quote or emphasis mark comes right before the `@`
 * (`(@docs/git.md)`, `"@docs/git.md"`), outside code as {@link findImports}
 * reads it; an email address (`a@b.com`) is not one. Their paths as written.
 */
export function findAttachedImports(text: string): Import[] {
  return proseMatches(text, ATTACHED).map(({ match, line, column }) => ({
    path: (match[1] as string).replace(/\\ /g, " "),
    line,
    column: column + 1,
  }));
}

/**
 * The matches of a global pattern in the prose of a text (not in code fences, indented code or
 * code spans, a span running over the lines of its paragraph), with their 1-based line and column.
 */
function proseMatches(
  text: string,
  pattern: RegExp,
): { match: RegExpExecArray; line: number; column: number; visible: string }[] {
  const lines = text.split(/\r?\n/);
  const prose = outsideCode(lines);
  const visibleLines = withoutCodeSpans(lines, prose);
  return visibleLines.flatMap((visible, index) => {
    if (prose[index] !== true || !visible.includes("@")) return [];
    return [...visible.matchAll(pattern)].map((match) => ({
      match: match as RegExpExecArray,
      line: index + 1,
      column: (match.index ?? 0) + 1,
      visible,
    }));
  });
}
