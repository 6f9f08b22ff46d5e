/**
 * Requirements inferred from a repository's tests: every test (vitest, jest,
 * mocha, node:test, pytest, go test, Rust #[test], JUnit) and every Gherkin scenario becomes an
 * inferred requirement, with a stable id, a statement built from its describe
 * path and name, its line, and the evidence it was read from.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import type { InferredRequirement, ProposedLine } from "../proposal.js";
import { lineOfFile, type RepoFiles } from "./files.js";
import { findRustTests } from "./internal/tests-attributes.js";
import type { FoundTest } from "./internal/tests-found.js";
import { findGherkinTests } from "./internal/tests-gherkin.js";
import { findGoTests } from "./internal/tests-go.js";
import { findJsTests } from "./internal/tests-js.js";
import { findJUnitTests } from "./internal/tests-junit.js";
import { findPythonTests } from "./internal/tests-python.js";
import { readSmallFile } from "./internal/unreadable.js";

/** Confidence of a requirement read off a test name: a test states behaviour, but not always as a requirement. */
const INFERRED_CONFIDENCE = 0.6;
/** Test files larger than this are generated or fixtures, not tests a person wrote. */
const MAX_BYTES = 1024 * 1024;
/** Longest requirement title. */
const MAX_TITLE = 200;

const JS_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const SKIPPED = /(?:^|\/)(?:node_modules|dist|build|coverage|vendor)\//;

type TestLanguage = "js" | "python" | "go" | "rust" | "junit" | "gherkin";

/** The language a file's tests are written in, when the file is a test file. */
function testFileLanguage(file: string): TestLanguage | undefined {
  if (SKIPPED.test(file)) return undefined;
  const name = basename(file);
  if (JS_EXTENSION.test(name) && !/\.d\.[cm]?ts$/.test(name)) {
    if (/\.(?:test|spec)\.[^.]+$/.test(name)) return "js";
    if (/(?:^|\/)(?:__tests__|tests?)\//.test(file)) return "js";
    return undefined;
  }
  if (/^test_.*\.py$/.test(name) || /_test\.py$/.test(name)) return "python";
  if (name.endsWith("_test.go")) return "go";
  // Rust tests sit in any source file (`#[cfg(test)] mod tests`); Cargo builds into target/.
  if (name.endsWith(".rs")) return /(?:^|\/)target\//.test(file) ? undefined : "rust";
  if (
    /\.(?:java|kt)$/.test(name) &&
    (/(?:^|\/)src\/\w*[tT]est\//.test(file) || /Tests?\.(?:java|kt)$/.test(name))
  )
    return "junit";
  if (name.endsWith(".feature")) return "gherkin";
  return undefined;
}

/** `REQ-`/`TEST-` suffix: the first 10 hex digits of SHA-256 over the file, the describe path and the name. */
export function testHash(file: string, describePath: readonly string[], testName: string): string {
  return createHash("sha256")
    .update([file, ...describePath, testName].join("\u0000"))
    .digest("hex")
    .slice(0, 10);
}

/** A name as a person would read it: a Go test function `TestParseConfig` -> `Parse config`; other names as written. */
function readable(name: string, framework: FoundTest["framework"]): string {
  if (framework !== "go" || !/^Test(?![a-z])/.test(name)) return name;
  const words = name
    .replace(/^Test_?/, "")
    .replace(/_+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim();
  return words === "" ? name : words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/**
 * The requirement statement of a test: its describe path, then its name (or
 * docstring), as in `KnowledgeBase › capture: keeps every revision`; at most 200 characters.
 */
function requirementTitle(test: FoundTest): string {
  const written = test.readablePath ?? [...test.describePath, test.testName];
  const path = written.slice(0, -1).map((part) => readable(part, test.framework));
  const name = test.statement ?? readable(written.at(-1) ?? test.testName, test.framework);
  const title = (path.length === 0 ? name : `${path.join(" › ")}: ${name}`).replace(/\s+/g, " ").trim();
  return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1)}…`;
}

async function testsOf(repo: RepoFiles, file: string, language: TestLanguage): Promise<FoundTest[]> {
  const text = await readSmallFile(repo, file, MAX_BYTES);
  if (text === undefined) return [];
  switch (language) {
    case "js":
      return findJsTests((await import("typescript")).default, file, text);
    case "python":
      return findPythonTests(text);
    case "go":
      return findGoTests(text);
    case "rust":
      return findRustTests(text);
    case "junit":
      return findJUnitTests(text, basename(file).replace(/\.(?:java|kt)$/, ""));
    case "gherkin":
      return findGherkinTests(text);
  }
}

/**
 * Infers one requirement per test of the repository's test files: JS/TS files
 * named `*.test.*`/`*.spec.*` or under `__tests__/`, `test/`, `tests/`;
 * pytest `test_*.py`/`*_test.py`; Go `*_test.go`; Rust `#[test]` and
 * `#[<path>::test]` functions in any `.rs` file (not under `target/`); JUnit
 * `@Test`/`@ParameterizedTest`/`@RepeatedTest` methods in Java and Kotlin
 * files under `src/<something>Test/` or named `*Test`/`*Tests`, under their
 * file's class; Gherkin `.feature`. Files
 * over 1 MB and anything under `node_modules`, `dist`, `build`, `coverage` or
 * `vendor` are skipped. Ids are stable across runs (a hash of file, describe
 * path and name); two tests with the same path and name in one file are one
 * requirement (the first). A `describe.each`/`it.each`/`test.each` whose
 * table is written out in the source with at most 10 rows is one test per
 * row, named as the runner names it (`adds %i + %i` -> `adds 1 + 2`); another
 * keeps its name as written and its title shows each placeholder as
 * `<parameter>` (`on %s` with `(store) =>` -> `on <store>`). Sorted by file,
 * then line, then as written.
 *
 * @example
 * ```ts
 * const repo = await listRepoFiles("/src/acme");
 * const requirements = await inferRequirements(repo, lines);
 * ```
 */
export async function inferRequirements(
  repo: RepoFiles,
  lines: readonly ProposedLine[],
): Promise<InferredRequirement[]> {
  const requirements = new Map<string, InferredRequirement>();
  for (const file of repo.files) {
    const language = testFileLanguage(file);
    if (language === undefined) continue;
    const line = lineOfFile(lines, file)?.id;
    for (const test of await testsOf(repo, file, language)) {
      const hash = testHash(file, test.describePath, test.testName);
      if (requirements.has(`REQ-${hash}`)) continue;
      requirements.set(`REQ-${hash}`, {
        id: `REQ-${hash}`,
        testId: `TEST-${hash}`,
        ...(line === undefined ? {} : { line }),
        title: requirementTitle(test),
        describePath: test.describePath,
        testName: test.testName,
        framework: test.framework,
        file,
        fileLine: test.line,
        evidence: {
          file,
          ...(repo.commit === undefined ? {} : { commit: repo.commit }),
          method: test.framework,
          confidence: INFERRED_CONFIDENCE,
        },
      });
    }
  }
  // A stable sort: tests on one line (the rows of a `.each` table) stay in the order they are written.
  return [...requirements.values()].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.fileLine - b.fileLine,
  );
}
