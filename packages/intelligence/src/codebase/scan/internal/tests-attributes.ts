/**
 * Tests marked by an attribute: Rust's `#[test]` (and `#[tokio::test]`,
 * `#[test_case::test]`, ... with arguments) on an `fn`. JUnit's annotations
 * are read by tests-junit.ts.
 *
 * @module
 */
import type { FoundTest } from "./tests-found.js";
import { lineLocator } from "./tests-lines.js";

/** `#[test]` or `#[path::test(...)]`, further attributes, then the `fn` and its name. */
const RUST =
  /#\[\s*(?:\w+::)*test(?:\s*\([^\]]*\))?\s*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+(\w+)/g;

/** The tests of a Rust file: each `fn` marked `#[test]` or `#[<path>::test]`. */
export function findRustTests(text: string): FoundTest[] {
  if (!text.includes("test")) return [];
  const lineAt = lineLocator(text);
  return [...text.matchAll(RUST)].map((match) => ({
    framework: "rust" as const,
    describePath: [],
    testName: match[1] as string,
    line: lineAt(match.index ?? 0),
  }));
}
