/**
 * Which workspace members are no line: examples, benchmarks, fixtures and
 * test suites that a workspace lists so they build, though nobody ships them.
 * A folder named like one is enough; a name like a test suite or a demo
 * needs the manifest's word that the member is never published too, so a
 * shipped module with such a name (`tokio-test`) stays a line.
 *
 * @module
 */
import type { FoundUnit } from "./structure-types.js";

/**
 * Folder names that make a member no line when one of its root's segments is
 * one (TanStack Query's pnpm workspace lists 61 example apps beside 27
 * packages, tokio's Cargo workspace has `examples` and `benches` crates).
 */
const NON_LINE_SEGMENTS = new Set([
  "example",
  "examples",
  "sample",
  "samples",
  "bench",
  "benches",
  "benchmark",
  "benchmarks",
  "fixture",
  "fixtures",
  "__fixtures__",
  "testdata",
  "test",
  "tests",
  "__tests__",
  "e2e",
]);

/**
 * Words that, first or last in a name or folder name, say an unpublished
 * member is a test suite, a demo or a test app: tokio's `tests-build` and
 * `stress-test` crates, maven-resolver's `maven-resolver-demos` modules,
 * TanStack Query's `integrations/*` apps.
 */
const TEST_OR_DEMO_WORDS = new Set([
  "tests",
  "demo",
  "demos",
  "integrations",
  "playground",
  "playgrounds",
  "sandbox",
]);

/** `test` only as the last word: `stress-test` is a test suite, `test-utils` is code tests share. */
const LAST_WORDS = new Set([...TEST_OR_DEMO_WORDS, "test"]);

/** Whether a member's root is under (or is) an example, benchmark, fixture or test folder. */
function isExampleOrTest(root: string): boolean {
  return root.split("/").some((segment) => NON_LINE_SEGMENTS.has(segment.toLowerCase()));
}

/** Whether a name's first or last word (split at `-`, `_`, `.` and spaces) names a test suite, demo or test app. */
function isTestOrDemoName(name: string): boolean {
  const words = name
    .toLowerCase()
    .split(/[-_. ]/)
    .filter((word) => word !== "");
  return TEST_OR_DEMO_WORDS.has(words[0] ?? "") || LAST_WORDS.has(words.at(-1) ?? "");
}

/**
 * Whether a workspace member is no line: its root is under (or is) an
 * example, benchmark, fixture or test folder; or its manifest says it is never
 * published (npm `private`, Cargo `publish = false`, Maven `maven.deploy.skip`, the
 * deploy plugin's `<skip>true</skip>` or its `default-deploy` execution's `<phase>none</phase>`,
 * a Gradle project no publishing plugin is applied to while others have one, a Go module
 * path without a dot in its first element, reserved for examples or with an `internal`
 * element, a Python `Private ::` classifier, Poetry `package-mode = false` or uv `package = false`)
 * and its name (without an npm scope) or one of its root's folders starts with
 * `tests`, `demo`, `demos`, `integrations`, `playground` or `sandbox`, or ends
 * with one of those or `test`. The repository's root package is always a line.
 */
export function isNoLine(unit: FoundUnit): boolean {
  if (unit.root === ".") return false;
  if (isExampleOrTest(unit.root)) return true;
  return (
    unit.unpublished === true && [unit.idBase, ...unit.root.split("/")].some((name) => isTestOrDemoName(name))
  );
}
