/**
 * JUnit tests: a method marked `@Test`, `@ParameterizedTest` or
 * `@RepeatedTest` in a Java file, or a Kotlin `fun` (a backquoted name as
 * written), under its file's class.
 *
 * The declaration after each annotation is read by a scanner that moves
 * forward only, and the next annotation is looked for where that scan stopped:
 * a regular expression with adjacent whitespace quantifiers (annotation
 * arguments, further annotations, modifiers, a return type that may span
 * lines) backtracks cubically on a run of blanks, and took 29 s on 4,000
 * spaces after one `@Test`.
 *
 * @module
 */
import type { FoundTest } from "./tests-found.js";
import { lineLocator } from "./tests-lines.js";

/** A JUnit test annotation, by its simple or qualified name. */
const ANNOTATION = /@(?:org\.junit\.(?:jupiter\.api\.)?)?(?:Test|ParameterizedTest|RepeatedTest)\b/g;
/** A further annotation's name, after its `@`. */
const ANNOTATION_NAME = /[\w.]+/y;
/** A modifier before a Java method or a Kotlin function. */
const MODIFIER =
  /(?:public|protected|private|internal|static|final|open|override|suspend|abstract|synchronized)(?=\s)/y;
/** A Kotlin function: `fun` then its backquoted or plain name. */
const KOTLIN_FUN = /fun\s+(?:`([^`]+)`|(\w+))/y;
/** Characters of a Java return type and method name (`List<Map<String, int[]>> name`), up to its `(`. */
const DECLARATION_CHAR = /[\w<>[\],.?\s]/;
const BLANK = /\s/;
/** How far an annotation's arguments are read for their balancing `)`: a `(` never closed is not read to the end of the file. */
const BALANCED_SPAN = 2000;

/** A forward-only reader of one source text. */
class Cursor {
  /** Where the nearest `)` at or after `closeFrom` is (-1: none), so a run of `(` without `)` is read once. */
  private closeAt = -2;
  private closeFrom = 0;
  /** Where the last search for a balancing `)` that found none stopped, and the `)` of each `(` it saw closed. */
  private unbalancedUntil = -1;
  private closes = new Map<number, number>();

  constructor(
    readonly text: string,
    public at: number,
  ) {}

  /** Moves past blanks. */
  skipBlanks(): void {
    while (this.at < this.text.length && BLANK.test(this.text[this.at] as string)) this.at++;
  }

  /** Moves past `pattern` (sticky) when it matches here, returning the match. */
  take(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.text);
    if (match !== null) this.at = pattern.lastIndex;
    return match;
  }

  /**
   * After blanks, moves past an annotation's `( ... )`, when it has one; else
   * stays. The arguments end at the `)` that balances the `(`, parentheses in
   * strings left out (`@Disabled("removed (MRESOLVER-392)")`); when none does
   * within {@link BALANCED_SPAN} characters, at the first `)`.
   */
  skipArguments(): void {
    const start = this.at;
    this.skipBlanks();
    if (this.text[this.at] !== "(") {
      this.at = start;
      return;
    }
    const close = this.balancedClose(this.at) ?? this.closeAfter(this.at);
    this.at = close === -1 ? start : close + 1;
  }

  /**
   * The `)` that balances the `(` at `open`, outside string and character
   * literals; undefined when none is near. A `(` inside the span of an earlier
   * search that found none is answered from that search (its `)` if one
   * closed it there, else none), so each character is searched once: a run of
   * `@Test(` without `)` searched 2,000 characters from each `(`.
   */
  private balancedClose(open: number): number | undefined {
    if (open < this.unbalancedUntil) return this.closes.get(open);
    const end = Math.min(this.text.length, open + BALANCED_SPAN);
    const opens: number[] = [];
    const closes = new Map<number, number>();
    let quote: string | undefined;
    let index = open;
    for (; index < end; index++) {
      const char = this.text[index];
      if (quote !== undefined) {
        if (char === "\\") index++;
        else if (char === quote) quote = undefined;
      } else if (char === '"' || char === "'") quote = char;
      else if (char === "(") opens.push(index);
      else if (char === ")") {
        const opened = opens.pop() as number;
        if (opens.length === 0) return index;
        closes.set(opened, index);
      } else if (char === ";") break;
    }
    this.unbalancedUntil = index;
    this.closes = closes;
    return undefined;
  }

  private closeAfter(from: number): number {
    if (this.closeAt === -2 || from < this.closeFrom || (this.closeAt !== -1 && from > this.closeAt))
      this.closeAt = this.text.indexOf(")", from);
    this.closeFrom = from;
    return this.closeAt;
  }
}

/** Reads the test method declared after a test annotation; the cursor ends where reading stopped. */
function declaredName(cursor: Cursor): string | undefined {
  cursor.skipArguments();
  cursor.skipBlanks();
  while (cursor.text[cursor.at] === "@") {
    cursor.at++;
    if (cursor.take(ANNOTATION_NAME) === null) return undefined;
    cursor.skipArguments();
    cursor.skipBlanks();
  }
  while (cursor.take(MODIFIER) !== null) cursor.skipBlanks();
  const start = cursor.at;
  const kotlin = cursor.take(KOTLIN_FUN);
  if (kotlin !== null) {
    cursor.skipBlanks();
    if (cursor.text[cursor.at] === "(") return kotlin[1] ?? kotlin[2];
    cursor.at = start;
  }
  // Java: a return type then the name; or Kotlin's `fun <T> name`, `fun Type.name`: the last word before `(`.
  while (cursor.at < cursor.text.length && DECLARATION_CHAR.test(cursor.text[cursor.at] as string))
    cursor.at++;
  if (cursor.text[cursor.at] !== "(") return undefined;
  let end = cursor.at;
  while (end > start && BLANK.test(cursor.text[end - 1] as string)) end--;
  let begin = end;
  while (begin > start && /\w/.test(cursor.text[begin - 1] as string)) begin--;
  return begin === end ? undefined : cursor.text.slice(begin, end);
}

/** The tests of a Java or Kotlin file: each method marked `@Test` (or parameterized, repeated), under its file's class. */
export function findJUnitTests(text: string, className: string): FoundTest[] {
  if (!text.includes("Test")) return [];
  const lineAt = lineLocator(text);
  const found: FoundTest[] = [];
  const cursor = new Cursor(text, 0);
  ANNOTATION.lastIndex = 0;
  for (let match = ANNOTATION.exec(text); match !== null; match = ANNOTATION.exec(text)) {
    cursor.at = ANNOTATION.lastIndex;
    const name = declaredName(cursor);
    ANNOTATION.lastIndex = Math.max(cursor.at, ANNOTATION.lastIndex);
    if (name === undefined || name === "void") continue;
    found.push({ framework: "junit", describePath: [className], testName: name, line: lineAt(match.index) });
  }
  return found;
}
