/**
 * JUnit XML reports read into test cases: `testsuites`/`testsuite` (nested
 * too)/`testcase` with `failure`, `error` and `skipped`, as written by
 * jest-junit, vitest, pytest `--junitxml`, Maven Surefire and go-junit-report.
 *
 * @module
 */
import { cutText } from "@software-factory/core";
import { fileError, positionOf } from "./inputFile.js";

/** The result of one test case. */
export type CaseStatus = "passed" | "failed" | "error" | "skipped";

/** One test case of a report. */
export interface JUnitCase {
  readonly name: string;
  readonly classname?: string;
  readonly file?: string;
  readonly status: CaseStatus;
  /** Seconds. */
  readonly time?: number;
  /** The failure, error or skip message (first 300 characters). */
  readonly message?: string;
}

/** A parsed report: its cases and what identifies the run. */
export interface JUnitReport {
  readonly cases: readonly JUnitCase[];
  /** `testsuites@id`, else the first suite's name and timestamp, when present. */
  readonly runId?: string;
  /** Sum of the suites' `time`, or of the cases' when the suites have none. */
  readonly time: number;
}

type Node = Record<string, unknown>;

/** How errors about a JUnit report name it. */
export const SUBJECT = "JUnit report";
const ARRAYS = new Set(["testsuite", "testcase", "failure", "error", "skipped"]);

const attribute = (node: Node, name: string): string | undefined => {
  const value = node[`@${name}`];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
};

const nodes = (node: Node, tag: string): Node[] =>
  ((node[tag] as unknown[] | undefined) ?? []).map((child) =>
    typeof child === "object" && child !== null ? (child as Node) : {},
  );

const seconds = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const number = Number(value.replace(/,/g, ""));
  return Number.isFinite(number) ? number : undefined;
};

function messageOf(node: Node, tag: string): string | undefined {
  const [first] = (node[tag] as unknown[] | undefined) ?? [];
  const text =
    typeof first === "string"
      ? first
      : typeof first === "object" && first !== null
        ? (attribute(first as Node, "message") ?? String((first as Node)["#text"] ?? ""))
        : "";
  const trimmed = text.trim();
  return trimmed === "" ? undefined : cutText(trimmed, 300);
}

/** The 1-based line of the n-th `<testcase` of the text, to point at a bad case. */
function lineOfCase(text: string, index: number): number | undefined {
  let offset = -1;
  for (let seen = 0; seen <= index; seen += 1) {
    offset = text.indexOf("<testcase", offset + 1);
    if (offset === -1) return undefined;
  }
  return positionOf(text, offset).line;
}

/**
 * The XML validator's message in words: it reports tags left open as
 * `Invalid '["testsuite","testcase"]' found.`
 */
function xmlProblem(message: string): string {
  const open = /^Invalid '\[([\s\S]*)\]' found\.?$/.exec(message)?.[1];
  if (open === undefined) return message;
  const tags = [...open.matchAll(/"([^"]+)"/g)].map((match) => `<${match[1]}>`);
  return tags.length === 0 ? message : `${tags.join(", ")} ${tags.length === 1 ? "is" : "are"} never closed`;
}

/**
 * Parses a JUnit XML report.
 *
 * @throws ValidationError naming the file and the line and column of malformed
 *   XML, a root that is neither `testsuites` nor `testsuite`, or a test case without a name.
 */
export async function parseJUnit(file: string, text: string): Promise<JUnitReport> {
  const { XMLParser, XMLValidator } = await import("fast-xml-parser");
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw fileError(SUBJECT, file, `malformed XML: ${xmlProblem(valid.err.msg)}`, {
      line: valid.err.line,
      column: valid.err.col,
    });
  }
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    // Numeric character references too: Surefire and pytest write a message's line breaks as `&#10;`.
    htmlEntities: true,
    isArray: (tag) => ARRAYS.has(tag),
  }).parse(text) as Node;
  const root = parsed.testsuites as Node | undefined;
  const suites =
    root === undefined
      ? nodes(parsed, "testsuite")
      : nodes(typeof root === "object" ? root : {}, "testsuite");
  if (root === undefined && parsed.testsuite === undefined) {
    throw fileError(SUBJECT, file, "the root element must be <testsuites> or <testsuite>", {
      path: "(root)",
    });
  }
  const cases: JUnitCase[] = [];
  let suiteTime = 0;
  let suitesTimed = false;
  const visit = (suite: Node, path: string, outermost: boolean) => {
    const time = seconds(attribute(suite, "time"));
    if (time !== undefined && outermost) {
      suiteTime += time;
      suitesTimed = true;
    }
    for (const [index, testcase] of nodes(suite, "testcase").entries()) {
      const name = attribute(testcase, "name");
      if (name === undefined) {
        const line = lineOfCase(text, cases.length);
        throw fileError(SUBJECT, file, "a test case needs a name", {
          path: `${path}.testcase[${index}].name`,
          ...(line === undefined ? {} : { line }),
        });
      }
      const status: CaseStatus =
        testcase.failure !== undefined
          ? "failed"
          : testcase.error !== undefined
            ? "error"
            : testcase.skipped !== undefined
              ? "skipped"
              : "passed";
      const classname = attribute(testcase, "classname");
      const caseFile = attribute(testcase, "file") ?? attribute(suite, "file");
      const caseTime = seconds(attribute(testcase, "time"));
      const message =
        status === "passed" ? undefined : messageOf(testcase, status === "failed" ? "failure" : status);
      cases.push({
        name,
        ...(classname === undefined ? {} : { classname }),
        ...(caseFile === undefined ? {} : { file: caseFile }),
        status,
        ...(caseTime === undefined ? {} : { time: caseTime }),
        ...(message === undefined ? {} : { message }),
      });
    }
    for (const [index, inner] of nodes(suite, "testsuite").entries())
      visit(inner, `${path}.testsuite[${index}]`, false);
  };
  for (const [index, suite] of suites.entries())
    visit(suite, `${root === undefined ? "" : "testsuites."}testsuite[${index}]`, true);
  const first = suites[0];
  const stamp = first === undefined ? undefined : attribute(first, "timestamp");
  const named = first === undefined ? undefined : (attribute(first, "name") ?? attribute(first, "hostname"));
  const runId =
    (root === undefined || typeof root !== "object" ? undefined : attribute(root, "id")) ??
    (stamp === undefined ? undefined : `${named ?? "run"}@${stamp}`);
  const caseTime = cases.reduce((sum, testcase) => sum + (testcase.time ?? 0), 0);
  return { cases, ...(runId === undefined ? {} : { runId }), time: suitesTimed ? suiteTime : caseTime };
}
