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

/** A recorded test: its file and the segments of its name (describe path, then name). */
export interface KnownTest {
  readonly id: string;
  readonly file: string;
  readonly segments: readonly string[];
}

const PLACEHOLDER = /%[sdifjoOp#]|\$\{[^}]*\}|\$[A-Za-z_]\w*|<[^>]+>/g;

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
export function keyOf(segments: readonly string[]): string {
  return segments
    .map((segment) => words(withoutTestWord(segment.trim())))
    .filter((part) => part !== "")
    .join(" ");
}

/** A pattern matching the key of every instance of a test's (possibly parametrised) name. */
export function patternOf(segments: readonly string[]): RegExp {
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
export function sameFile(testcase: JUnitCase, file: string): boolean {
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
export function caseKeys(testcase: JUnitCase): string[] {
  const name = nameSegments(testcase.name);
  const keys = [keyOf(name)];
  const classParts = (testcase.classname ?? "").split(/\.|\s+[>›»]\s+/).filter((part) => part !== "");
  for (let length = 1; length <= classParts.length; length += 1)
    keys.push(keyOf([...classParts.slice(-length), ...name]));
  return keys.filter((key) => key !== "");
}

/** The recorded tests a test case is a run of. */
export function matchCase(
  testcase: JUnitCase,
  tests: readonly { test: KnownTest; pattern: RegExp }[],
): KnownTest[] {
  const keys = caseKeys(testcase);
  return tests
    .filter(({ test, pattern }) => keys.some((key) => pattern.test(key)) && sameFile(testcase, test.file))
    .map(({ test }) => test);
}
