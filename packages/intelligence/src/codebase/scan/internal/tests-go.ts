/**
 * Go tests: `func TestXxx(t *testing.T)` and their `t.Run("name", ...)`
 * subtests (nested ones too), found by matching the braces of each body.
 * A test with literal subtests is reported through its subtests.
 *
 * @module
 */
import type { FoundTest } from "./tests-found.js";
import { lineLocator } from "./tests-lines.js";

/** A test's declaration up to the `{` of its body (gofmt keeps it on the line; a declaration without a body is no test). */
const FUNC = /^func\s+(Test(?:[A-Z0-9_]\w*)?)\s*\(\s*(\w+)\s+\*testing\.T\s*\)[ \t]*\{/gm;
const RUN = /\b\w+\.Run\(\s*(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)/y;

/** The end (exclusive) of the block whose `{` is at `open`, skipping strings, runes and comments. */
function blockEnd(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    const char = text[index];
    if (char === "/" && text[index + 1] === "/")
      index = text.indexOf("\n", index) === -1 ? text.length : text.indexOf("\n", index);
    else if (char === "/" && text[index + 1] === "*")
      index = text.indexOf("*/", index + 2) + 1 || text.length;
    else if (char === '"' || char === "'") {
      for (index += 1; index < text.length && text[index] !== char; index += 1)
        if (text[index] === "\\") index += 1;
    } else if (char === "`")
      index = text.indexOf("`", index + 1) === -1 ? text.length : text.indexOf("`", index + 1);
    else if (char === "{") depth += 1;
    else if (char === "}") {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return text.length;
}

/** The subtests run between `from` and `to`, each with its own subtests, under `path`; `lineAt` gives an offset's line. */
function subtests(
  text: string,
  lineAt: (offset: number) => number,
  from: number,
  to: number,
  path: readonly string[],
  out: FoundTest[],
): number {
  let count = 0;
  // The first `{` after the last run, found again only once passed: a search from each of many
  // runs without a body to one far `{` was quadratic.
  let brace: number | undefined;
  for (let index = from; index < to; index += 1) {
    RUN.lastIndex = index;
    const run = RUN.exec(text);
    if (run === null) continue;
    const name = run[1] ?? run[2] ?? "";
    if (brace === undefined || (brace !== -1 && brace < RUN.lastIndex))
      brace = text.indexOf("{", RUN.lastIndex);
    const open = brace;
    const end = open === -1 || open > to ? RUN.lastIndex : blockEnd(text, open);
    const inner =
      open === -1 || open > to ? 0 : subtests(text, lineAt, open + 1, end - 1, [...path, name], out);
    if (inner === 0) out.push({ framework: "go", describePath: path, testName: name, line: lineAt(index) });
    count += Math.max(inner, 1);
    index = end - 1;
  }
  return count;
}

/** The tests of a Go `_test.go` file. */
export function findGoTests(text: string): FoundTest[] {
  const found: FoundTest[] = [];
  const lineAt = lineLocator(text);
  for (const match of text.matchAll(FUNC)) {
    const name = match[1] as string;
    const open = (match.index ?? 0) + match[0].length - 1;
    const end = blockEnd(text, open);
    const inner = subtests(text, lineAt, open + 1, end - 1, [name], found);
    if (inner === 0)
      found.push({ framework: "go", describePath: [], testName: name, line: lineAt(match.index ?? 0) });
    // A body left open runs to the end: the declarations after it are inside it (the file does not
    // compile); reading each of them to the end again was quadratic.
    if (end === text.length) break;
  }
  return found;
}
