import picomatch from "picomatch";
import { PLAN_LIMITS } from "../planLimits.js";

/** A CODEOWNERS pattern compiled to a matcher, with the literal directory prefix used to index it. */
export interface CompiledPattern {
  readonly pattern: string;
  /** Matches a repository-relative path without a leading slash. */
  readonly test: (path: string) => boolean;
  /** Literal leading segments of an anchored pattern (`["packages", "checkout"]`); undefined when the pattern floats. */
  readonly prefix: readonly string[] | undefined;
  /** Whether the pattern names folders only (it ends with `/`, as `/apps/web/`). */
  readonly folder: boolean;
}

/** A pattern (or any text from a file) as messages show it: quoted with control characters escaped, and cut after 80 characters. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

/**
 * Why a path pattern given as input (factory.yaml, a CODEOWNERS rule, an
 * edit) is refused, or undefined when it is accepted: over the length limit,
 * control characters, or syntax {@link compilePattern} cannot compile. Only
 * input is checked this way; patterns already in the log are compiled as
 * they are, since older versions stored longer ones and tabs.
 */
export function unsupportedPatternReason(pattern: string): string | undefined {
  if (pattern.length > PLAN_LIMITS.pathPattern)
    return `a path pattern is at most ${PLAN_LIMITS.pathPattern} characters`;
  if (/\p{Cc}/u.test(pattern)) return "control characters are not allowed in a path pattern";
  return unsupportedSyntaxReason(pattern);
}

/** One character of a pattern: a wildcard (`*`, `?`), a folder separator (`/`) or a literal. */
interface PatternCharacter {
  readonly kind: "wildcard" | "separator" | "literal";
  readonly text: string;
  /** Whether a backslash made it literal (`\!`, `\[`). */
  readonly escaped: boolean;
}

/**
 * The characters of a pattern as git reads gitignore and CODEOWNERS
 * patterns: a backslash makes the character after it literal, whatever it is
 * (`\#`, `\ `, `\*`, `\[`, `\!`, `\\`), except `/`, which separates
 * folders either way; `dangling` when the pattern ends with a backslash that
 * escapes nothing.
 */
function charactersOf(pattern: string): { characters: PatternCharacter[]; dangling: boolean } {
  const characters: PatternCharacter[] = [];
  let escaping = false;
  for (const text of pattern) {
    if (escaping) {
      characters.push({ kind: text === "/" ? "separator" : "literal", text, escaped: true });
      escaping = false;
    } else if (text === "\\") escaping = true;
    else
      characters.push({
        kind: text === "/" ? "separator" : text === "*" || text === "?" ? "wildcard" : "literal",
        text,
        escaped: false,
      });
  }
  return { characters, dangling: escaping };
}

/** Why a pattern uses syntax GitHub's CODEOWNERS does not support, or undefined when it does not. */
function unsupportedSyntaxReason(pattern: string): string | undefined {
  const { characters, dangling } = charactersOf(pattern);
  const bare = (text: string) => (character: PatternCharacter | undefined) =>
    character !== undefined && !character.escaped && character.text === text;
  if (bare("!")(characters[0])) return "negation (!) is not supported in CODEOWNERS";
  if (characters.some(bare("[")) || characters.some(bare("]")))
    return "character ranges ([ ]) are not supported in CODEOWNERS";
  if (dangling)
    return "a backslash at the end escapes nothing (a backslash makes the next character literal: \\\\ for a backslash)";
  return undefined;
}

/**
 * The path a pattern names without a wildcard, as a lookup asks it: no
 * leading `/`, escapes read (`/bench/` is `bench/`, `/docs/\#notes.md` is
 * `docs/#notes.md`); undefined for a pattern with a wildcard, one refused
 * (see {@link unsupportedPatternReason}) and `/`.
 */
export function literalPath(pattern: string): string | undefined {
  if (unsupportedPatternReason(pattern) !== undefined) return undefined;
  const { characters } = charactersOf(pattern);
  if (characters.some((character) => character.kind === "wildcard")) return undefined;
  const path = characters
    .map((character) => character.text)
    .join("")
    .replace(/^\/+/, "");
  return path === "" ? undefined : path;
}

/**
 * Compiles a pattern with GitHub CODEOWNERS (gitignore-style) semantics:
 * a leading or inner `/` anchors it to the root, otherwise it matches at any
 * depth; a trailing `/` matches a directory (a path ending in `/`, `docs/`)
 * and everything in it; without it a pattern names files and folders alike,
 * and a folder it names claims everything under it (`docs/*.md` claims
 * `docs/x.md/notes.txt`), except when its last segment is `*` or `**`
 * (`docs/*` stays one level deep, as GitHub documents); `*` does not cross
 * `/`, `**` does; matching is case-sensitive.
 *
 * Length and characters are not checked here (see {@link unsupportedPatternReason}).
 * A pattern is compiled once: the same text gets the same matcher (or the same error) again.
 *
 * @throws RangeError when the pattern is empty or uses unsupported syntax.
 */
export function compilePattern(raw: string): CompiledPattern {
  let known = compiledPatterns.get(raw);
  if (known === undefined) {
    try {
      known = compileAnew(raw);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      known = error;
    }
    if (compiledPatterns.size >= COMPILED_PATTERNS_KEPT) {
      // The oldest goes first: a long-running process keeps the patterns of the plans it reads now.
      const oldest = compiledPatterns.keys().next();
      if (oldest.done !== true) compiledPatterns.delete(oldest.value);
    }
    compiledPatterns.set(raw, known);
  }
  if (known instanceof RangeError) throw new RangeError(known.message);
  return known;
}

/**
 * Patterns compiled so far, by text, with the error of one that does not
 * compile: loading a plan reads each pattern in its schema (more than once
 * while a `factory.yaml` is parsed), in `validatePlan` (with files) and in the
 * path index; loading the floor plan bench's plan compiled each six times.
 */
const compiledPatterns = new Map<string, CompiledPattern | RangeError>();
/**
 * How many compiled patterns {@link compilePattern} keeps: two plans the size of the floor plan bench's
 * (10,122 patterns, about 22 MiB compiled; a plan's path index holds the same matchers while it lives).
 */
const COMPILED_PATTERNS_KEPT = 20_000;

/** {@link compilePattern} without the memory. @throws RangeError as it does. */
function compileAnew(raw: string): CompiledPattern {
  const reason = unsupportedSyntaxReason(raw);
  if (reason !== undefined) throw new RangeError(`pattern ${quoted(raw)}: ${reason}`);
  const { characters } = charactersOf(raw);
  const separator = (character: PatternCharacter | undefined) => character?.kind === "separator";
  // Read before the trailing slash goes, so `/` (the root folder: every file) is anchored, not empty.
  const leading = separator(characters[0]);
  const dirOnly = separator(characters[characters.length - 1]);
  let start = 0;
  let end = characters.length;
  while (start < end && separator(characters[start])) start++;
  while (end > start && separator(characters[end - 1])) end--;
  if (start === end) {
    if (leading) return { pattern: raw, test: () => true, prefix: [], folder: true };
    throw new RangeError("empty pattern");
  }
  const segments: PatternCharacter[][] = [[]];
  for (const character of characters.slice(start, end)) {
    if (character.kind === "separator") segments.push([]);
    else segments[segments.length - 1]?.push(character);
  }
  const anchored = leading || segments.length > 1;
  const body = segments.map(globOf).join("/");
  const last = segments[segments.length - 1] ?? [];
  const glob = anchored ? body : `**/${body}`;
  // `docs/` only matches inside a directory and the directory itself asked as `docs/`; `docs` and `*.md` also
  // name a file; `docs/*` stays one level deep (GitHub's reading).
  const stars = last.every((character) => character.kind === "wildcard" && character.text === "*");
  const claimsBelow = !(stars && (last.length === 1 || last.length === 2));
  const globs = dirOnly ? [`${glob}/**/*`, `${glob}/`] : claimsBelow ? [glob, `${glob}/**`] : [glob];
  // One regular expression for the pattern's globs: a bare RegExp test is several times faster than picomatch's matcher function.
  const options = { dot: true, nocase: false, noextglob: true, nobrace: true, windows: false };
  const regex = new RegExp(globs.map((glob) => picomatch.makeRe(glob, options).source).join("|"));
  const prefix: string[] = [];
  if (anchored) {
    for (const segment of segments) {
      if (segment.some((character) => character.kind === "wildcard")) break;
      prefix.push(segment.map((character) => character.text).join(""));
    }
  }
  return {
    pattern: raw,
    test: (path) => regex.test(path),
    prefix: anchored ? Object.freeze(prefix) : undefined,
    folder: dirOnly,
  };
}

/**
 * A segment of a pattern as a picomatch glob: `*` and `?` stay wildcards
 * (`**` is two), and every other character but a letter, a digit, `.`, `_`
 * and `-` is escaped, so picomatch takes it as written: `(`, `)` and `|`
 * would make a regular expression group (`/app/(marketing)/`, a Next.js route
 * group, matched nothing and `a|b` matched `a`), `+ @ ! { }` start its extglob
 * and brace syntax, and a character the pattern escaped (`\#`, `\*`, `\[`)
 * is literal.
 */
function globOf(segment: readonly PatternCharacter[]): string {
  return segment
    .map(({ kind, text }) => (kind === "wildcard" || /^[\p{L}\p{N}._-]$/u.test(text) ? text : `\\${text}`))
    .join("");
}
