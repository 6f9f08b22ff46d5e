/**
 * Matching the test cases of a report to the tests an import recorded: names
 * are compared word by word (case, separators and a leading `test` word
 * ignored; parametrised names match their instances), and the file, when the
 * report names one (a `file` attribute, a path or a dotted class name), must agree.
 *
 * @module
 */
import { posix } from "node:path";
import type { JUnitCase } from "./junitXml.js";

/** A recorded test: its file, the segments of its name (describe path, then name), and the requirement it verifies. */
export interface KnownTest {
  readonly id: string;
  readonly file: string;
  readonly segments: readonly string[];
  readonly requirement: string;
}

const PLACEHOLDER = /%[sdifjoOp#]|\$\{[^}]*\}|\$[A-Za-z_]\w*|<[^>]+>/g;
const HAS_PLACEHOLDER = new RegExp(PLACEHOLDER.source);

/** A segment without a leading `test` word (`TestParse` -> `Parse`, `test_x` -> `_x`, `testing` stays). */
const withoutTestWord = (segment: string) => segment.replace(/^[Tt]est(?![a-z])/, "");

/** Words of a text: camelCase split, lower case, anything else a separator. */
function words(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The key a name's segments compare by. */
function keyOf(segments: readonly string[]): string {
  return segments
    .map((segment) => words(withoutTestWord(segment.trim())))
    .filter((part) => part !== "")
    .join(" ");
}

/** A pattern matching the key of every instance of a test's (possibly parametrised) name. */
function patternOf(segments: readonly string[]): RegExp {
  const parts = segments
    .map((segment) =>
      withoutTestWord(segment.trim())
        .split(PLACEHOLDER)
        .map((piece) => escapeRegExp(words(piece)))
        .join(" ?.+? ?")
        .trim(),
    )
    .filter((part) => part !== "");
  return new RegExp(`^${parts.join(" ")}$`);
}

/** The segments a report writes a test name in: `A > B > c`, `A › B › c`, `Test/sub`, `a::b`. */
function nameSegments(name: string): string[] {
  return name.replace(/\[[^\]]*\]$/, "").split(/\s+[>›»]\s+|\/|::/);
}

/** Whether the file a test case names agrees with a recorded test's file. */
function sameFile(testcase: JUnitCase, file: string): boolean {
  const stem = file.replace(/\.[^./]+$/, "");
  const hint = testcase.file ?? testcase.classname;
  if (hint === undefined) return true;
  const path = hint.replace(/\\/g, "/").replace(/^\.\//, "");
  if (path.includes("/")) {
    const folder = posix.dirname(file);
    return (
      path.endsWith(file) ||
      file.endsWith(path) ||
      folder === "." ||
      path === folder ||
      path.endsWith(`/${folder}`)
    );
  }
  if (/^[\w$]+(\.[\w$]+)+$/.test(path) && testcase.file === undefined) {
    const fileParts = stem.split("/");
    const classParts = path.split(".");
    for (let length = Math.min(fileParts.length, classParts.length); length >= 1; length -= 1) {
      if (fileParts.slice(-length).join(".") === classParts.slice(0, length).join(".")) return true;
    }
    return false;
  }
  return true;
}

/** The candidate keys of a test case: its name, and its name after the last one, two... segments of its class name. */
function caseKeys(testcase: JUnitCase): string[] {
  const name = nameSegments(testcase.name);
  const keys = [keyOf(name)];
  const classParts = (testcase.classname ?? "").split(/\.|\s+[>›»]\s+/).filter((part) => part !== "");
  for (let length = 1; length <= classParts.length; length += 1)
    keys.push(keyOf([...classParts.slice(-length), ...name]));
  return keys.filter((key) => key !== "");
}

/** Finds the recorded tests a test case is a run of. */
export interface TestIndex {
  match(testcase: JUnitCase): KnownTest[];
}

/**
 * Indexes recorded tests by key, so matching a case costs a few lookups;
 * only parametrised names (with placeholders) are tried one by one.
 */
export function indexTests(tests: readonly KnownTest[]): TestIndex {
  const exact = new Map<string, KnownTest[]>();
  const patterns: { test: KnownTest; pattern: RegExp }[] = [];
  for (const test of tests) {
    if (test.segments.some((segment) => HAS_PLACEHOLDER.test(segment))) {
      patterns.push({ test, pattern: patternOf(test.segments) });
      continue;
    }
    const key = keyOf(test.segments);
    exact.set(key, [...(exact.get(key) ?? []), test]);
  }
  return {
    match(testcase) {
      const keys = caseKeys(testcase);
      const found = new Set(keys.flatMap((key) => exact.get(key) ?? []));
      for (const { test, pattern } of patterns) if (keys.some((key) => pattern.test(key))) found.add(test);
      return [...found].filter((test) => sameFile(testcase, test.file));
    },
  };
}
