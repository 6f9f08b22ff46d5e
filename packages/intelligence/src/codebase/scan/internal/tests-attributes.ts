/**
 * Tests marked by an attribute or annotation: Rust's `#[test]` (and
 * `#[tokio::test]`, `#[test_case::test]`, ... with arguments) on an `fn`, and
 * JUnit's `@Test`, `@ParameterizedTest` and `@RepeatedTest` on a Java method
 * or a Kotlin `fun` (a backquoted name as written).
 *
 * @module
 */
import type { FoundTest } from "./tests-found.js";
import { lineLocator } from "./tests-lines.js";

/** `#[test]` or `#[path::test(...)]`, further attributes, then the `fn` and its name. */
const RUST =
  /#\[\s*(?:\w+::)*test(?:\s*\([^\]]*\))?\s*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+(\w+)/g;

/** A JUnit test annotation, further annotations and modifiers, then a Java method or a Kotlin function. */
const JUNIT =
  /@(?:org\.junit\.(?:jupiter\.api\.)?)?(?:Test|ParameterizedTest|RepeatedTest)\b(?:\s*\([^)]*\))?\s*(?:@[\w.]+(?:\s*\([^)]*\))?\s*)*(?:(?:public|protected|private|internal|static|final|open|override|suspend|abstract|synchronized)\s+)*(?:[\w<>[\],.?\s]+?\s+)?(?:fun\s+(?:`([^`]+)`|(\w+))|(\w+))\s*\(/g;

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

/** The tests of a Java or Kotlin file: each method marked `@Test` (or parameterized, repeated), under its file's class. */
export function findJUnitTests(text: string, className: string): FoundTest[] {
  if (!text.includes("Test")) return [];
  const lineAt = lineLocator(text);
  const found: FoundTest[] = [];
  for (const match of text.matchAll(JUNIT)) {
    const name = match[1] ?? match[2] ?? match[3];
    if (name === undefined || name === "void") continue;
    found.push({
      framework: "junit",
      describePath: [className],
      testName: name,
      line: lineAt(match.index ?? 0),
    });
  }
  return found;
}
