/**
 * Tests marked by an attribute: Rust's `#[test]` (and `#[tokio::test]`,
 * `#[test_case::test]`, ... with arguments) on an `fn`. JUnit's annotations
 * are read by tests-junit.ts.
 *
 * @module
 */
import type { FoundTest } from "./tests-found.js";
import { lineLocator } from "./tests-lines.js";

/** An attribute's content that marks a test: `test`, `tokio::test`, `test_case::test(arguments)`. */
const TEST_ATTRIBUTE = /^\s*(?:\w+::)*test(?:\s*\([\s\S]*\))?\s*$/;
/**
 * What follows a run of attributes up to the `fn`'s name. `pub(...)` takes a
 * path (`crate`, `in a::b`), not any text, so it stops before the next attribute.
 */
const FUNCTION =
  /(?:pub(?:\([\w\s:]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+(\w+)/y;
const BLANKS = /\s*/y;

/**
 * The tests of a Rust file: each `fn` after a run of attributes (`#[...]`,
 * blanks between them) one of which is `#[test]` or `#[<path>::test(...)]`.
 * Each run is read once, left to right: a global expression from each `#[test]`
 * over the attributes after it was quadratic on long runs of them.
 */
export function findRustTests(text: string): FoundTest[] {
  if (!text.includes("test")) return [];
  const found: FoundTest[] = [];
  let lineAt: ((offset: number) => number) | undefined;
  let at = text.indexOf("#[");
  while (at !== -1) {
    let test: number | undefined;
    let end = at;
    // The run of attributes starting at `at`.
    while (text.startsWith("#[", end)) {
      const close = text.indexOf("]", end + 2);
      if (close === -1) return found;
      if (test === undefined && TEST_ATTRIBUTE.test(text.slice(end + 2, close))) test = end;
      BLANKS.lastIndex = close + 1;
      BLANKS.exec(text);
      end = BLANKS.lastIndex;
    }
    if (test !== undefined) {
      FUNCTION.lastIndex = end;
      const name = FUNCTION.exec(text)?.[1];
      if (name !== undefined) {
        lineAt ??= lineLocator(text);
        found.push({ framework: "rust", describePath: [], testName: name, line: lineAt(test) });
      }
    }
    at = text.indexOf("#[", end);
  }
  return found;
}
