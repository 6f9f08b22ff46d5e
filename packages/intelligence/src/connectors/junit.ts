/**
 * The JUnit connector: a JUnit XML report becomes one `testEvidence` artifact
 * with its counts and cases, linked to the inferred requirements whose tests it ran.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { cutText, strictInput, toSafeLine } from "@software-factory/core";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import { countRecording, newCounter, summaryOf } from "./internal/counter.js";
import { readInputFile } from "./internal/inputFile.js";
import { type JUnitCase, parseJUnit, SUBJECT } from "./internal/junitXml.js";
import { indexTests, type KnownTest } from "./internal/testMatch.js";
import type { ConnectorSummary } from "./summary.js";

/** Options of {@link importJUnitReport}; another key is refused, naming it and these. */
export const JUnitImportOptionsSchema = strictInput({
  /** Path of the JUnit XML report. */
  file: z.string().min(1, "file must name a JUnit XML report"),
  /** Id of the test run; else the report's (`testsuites@id`, or first suite name and timestamp), else a hash of the file. */
  runId: z.string().trim().min(1).max(200).optional(),
  /** The work item the run is evidence for (its testing stage). */
  workItem: z.string().min(1).optional(),
  /** The line the run belongs to, when no work item says it. */
  line: z.string().min(1).optional(),
});
/** Options of {@link importJUnitReport}. */
export type JUnitImportOptions = z.input<typeof JUnitImportOptionsSchema>;

/** Most cases kept in the evidence's fields (failures first); the counts cover every case. */
const MAX_CASES = 500;

/** The tests an import recorded (`TEST-...` artifacts of kind `test`), with the requirement each verifies. */
async function recordedTests(factory: Factory): Promise<KnownTest[]> {
  const ids = new Set<string>();
  for await (const event of factory.log.readAll({ types: ["artifact.recorded"] }))
    if (event.subject.startsWith("TEST-")) ids.add(event.subject);
  return [...ids].flatMap((id) => {
    const artifact = factory.work.artifact(id);
    const { file, name, describePath } = artifact?.fields ?? {};
    if (artifact?.kind !== "test" || typeof file !== "string" || typeof name !== "string") return [];
    const path = Array.isArray(describePath) ? describePath.map(String) : [];
    const verified = factory.work
      .linksOf(id)
      .find((link) => link.from === id && link.type === "verifies" && link.to.startsWith("REQ-"));
    const requirement = verified?.to ?? `REQ-${id.slice("TEST-".length)}`;
    if (factory.work.artifact(requirement) === undefined) return [];
    const segments = [...path, name];
    return [{ id, file, segments, requirement }];
  });
}

/** The cases kept in the evidence: failures and errors first, then the rest, at most `MAX_CASES`. */
function keptCases(cases: readonly JUnitCase[]): JUnitCase[] {
  const rank = { failed: 0, error: 0, skipped: 1, passed: 2 } as const;
  return [...cases].sort((a, b) => rank[a.status] - rank[b.status]).slice(0, MAX_CASES);
}

/**
 * Imports a JUnit XML report (jest-junit, vitest, pytest `--junitxml`, Maven
 * Surefire, go-junit-report): one `testEvidence` artifact `TE-<hash of the run id>`
 * titled `Test run <run id>: 3 passed, 1 failed` (made one line: a tab or other
 * control character in the run id becomes a space, a bidi override is dropped)
 * with `runId` (as written), `passed`, `failed` (failures and errors), `skipped`, `errors`,
 * `total`, `time` and up to 500 cases (failures first); then a `verifies` link
 * from it to each inferred requirement whose recorded test (`TEST-...`, kind
 * `test`, fields `file`, `name`, `describePath`) matches a case of the report.
 * Re-importing the same report writes nothing; a report with new results for
 * the same run id records a new version, and one given another `workItem` or
 * `line` moves the run's evidence there.
 *
 * @throws ValidationError when the options are invalid, the file is not UTF-8
 *   text (with the line and column of its first bad byte), the XML is malformed
 *   (with its line and column) or a test case has no name.
 * @throws NotFoundError when the file does not exist.
 * @example
 * ```ts
 * const summary = await importJUnitReport(factory, { file: "reports/junit.xml", runId: "ci-4812" });
 * ```
 */
export async function importJUnitReport(
  factory: Factory,
  options: JUnitImportOptions,
): Promise<ConnectorSummary> {
  const input = parseInput(JUnitImportOptionsSchema, options, "JUnit import options");
  const text = await readInputFile(SUBJECT, input.file);
  const report = await parseJUnit(input.file, text);
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  const counter = newCounter();
  const count = (status: JUnitCase["status"]) =>
    report.cases.filter((testcase) => testcase.status === status).length;
  const runId =
    input.runId ??
    report.runId ??
    `${basename(input.file)}@${createHash("sha256").update(text).digest("hex").slice(0, 12)}`;
  const id = `TE-${createHash("sha256").update(runId).digest("hex").slice(0, 12)}`;
  const passed = count("passed");
  const failed = count("failed") + count("error");
  const existed = factory.work.artifact(id) !== undefined;
  const { changed } = await factory.work.recordArtifact({
    id,
    kind: "testEvidence",
    // The run id, from the report, is kept exactly in the fields; the title is one line without control characters.
    title: cutText(toSafeLine(`Test run ${runId}: ${passed} passed, ${failed} failed`), 500),
    fields: {
      runId,
      passed,
      failed,
      skipped: count("skipped"),
      errors: count("error"),
      total: report.cases.length,
      time: Math.round(report.time * 1000) / 1000,
      report: basename(input.file),
      cases: keptCases(report.cases),
      ...(report.cases.length > MAX_CASES ? { casesTruncated: report.cases.length - MAX_CASES } : {}),
    },
    stage: "testing",
    ...(input.workItem === undefined ? {} : { workItem: input.workItem }),
    ...(input.line === undefined ? {} : { line: input.line }),
    // The import names where a run sits: run again with another work item or line, it moves there.
    move: true,
  });
  countRecording(counter, existed, changed);
  const tests = indexTests(await recordedTests(factory));
  const requirements = new Set(
    report.cases.flatMap((testcase) => tests.match(testcase).map((test) => test.requirement)),
  );
  const missing = [...requirements]
    .sort()
    .filter(
      (requirement) =>
        !factory.work
          .linksOf(id)
          .some((link) => link.from === id && link.to === requirement && link.type === "verifies"),
    );
  counter.unchanged += requirements.size - missing.length;
  // One append for all the report's new links: a report verifying many requirements costs one transaction.
  if (missing.length > 0)
    await factory.work.linkAll(
      missing.map((requirement) => ({ from: id, to: requirement, type: "verifies" as const })),
    );
  counter.created += missing.length;
  return summaryOf(counter);
}
