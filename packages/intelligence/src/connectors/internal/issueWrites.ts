/**
 * What each issue of an export writes: the signal or work item it becomes and
 * the reference artifact remembering it, built and checked with the schemas
 * the writes parse them with before the first write. Fields a tracker allows
 * longer than the factory does (a body past a signal's text limit, a GitLab
 * username past a customer's) are cut, and the cut is recorded to be counted.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  type CaptureSignalInput,
  CaptureSignalInputSchema,
  CreateWorkItemInputSchema,
  cutText,
  firstSafeLine,
  formatIssues,
  INPUT_LIMITS,
  RecordArtifactInputSchema,
  unstorableTextIssues,
  ValidationError,
  type ValidationIssue,
} from "@software-factory/core";
import type { Factory } from "../../factory/openFactory.js";
import { lineOfLabels, severityOfLabels, workItemKindOfLabels } from "../issueLabels.js";
import type { ParsedElement } from "./inputFile.js";
import type { ExternalIssue } from "./issueRecords.js";
import { writeIssues } from "./writeIssues.js";

/** Fields of an issue that a write may cut. */
export interface CutFields {
  /** The title, past 500 characters (work item and reference titles). */
  readonly title: boolean;
  /** The title and body, past a signal's 10,000 characters. */
  readonly text: boolean;
  /** The author, past a customer's 200 characters. */
  readonly customer: boolean;
}

/** An issue with what it writes, checked. */
export interface IssueWrite {
  readonly issue: ExternalIssue;
  /** How problems name it: `github acme/shop#42`. */
  readonly item: string;
  /** Its reference artifact's id. */
  readonly refId: string;
  /** The line its labels route it to, else the import's. */
  readonly line?: string;
  /** A line its labels name that the floor plan lacks. */
  readonly unknownLine?: string;
  /** The title as written: made one line (`toSafeLine`; the issue's name when nothing is left), cut to 500 characters. */
  readonly title: string;
  /** The signal it becomes, when imported as signals. */
  readonly signal: CaptureSignalInput;
  readonly cut: CutFields;
}

/** The artifact that remembers an imported issue: `ext-<system>-<project>-<number>`. */
function refId(issue: ExternalIssue): string {
  const project = issue.project.replace(/\//g, ".").replace(/[^A-Za-z0-9._-]/g, "_");
  const id = `ext-${issue.system}-${project}-${issue.number}`;
  return id.length <= 128
    ? id
    : `ext-${issue.system}-${createHash("sha256").update(issue.project).digest("hex").slice(0, 16)}-${issue.number}`;
}

/** The export's name of each field an issue's writes read, by system. */
const EXPORT_FIELDS = {
  github: { title: "title", text: "body", customer: "author.login", source: "url" },
  gitlab: { title: "title", text: "description", customer: "author.username", source: "web_url" },
} as const;

/**
 * The text of an issue that its writes store, by the export's name of each
 * field: the body only for a signal (a work item's reference keeps its hash).
 */
function storedText(issue: ExternalIssue, as: "signals" | "workItems"): Record<string, unknown> {
  const fields = EXPORT_FIELDS[issue.system];
  return {
    [fields.title]: issue.title,
    ...(as === "signals" ? { [fields.text]: issue.body } : {}),
    labels: issue.system === "github" ? issue.labels.map((name) => ({ name })) : issue.labels,
    [fields.source]: issue.url,
    ...(issue.author === undefined ? {} : { [fields.customer]: issue.author }),
  };
}

/** What an issue writes, its fields cut to the factory's limits. */
function planIssue(factory: Factory, issue: ExternalIssue, importLine: string | undefined): IssueWrite {
  const routed = lineOfLabels(factory, issue.labels);
  const line = routed.line ?? importLine;
  const text = `${issue.title}\n\n${issue.body}`.trim();
  const customer = issue.author === undefined ? undefined : cutText(issue.author, INPUT_LIMITS.customer);
  const item = `${issue.system} ${issue.project}#${issue.number}`;
  // A title is one line without control characters or bidi overrides; the signal's text keeps the exact title.
  const title = firstSafeLine(issue.title, item);
  return {
    issue,
    item,
    refId: refId(issue),
    ...(line === undefined ? {} : { line }),
    ...(routed.unknown === undefined ? {} : { unknownLine: routed.unknown }),
    title: cutText(title, INPUT_LIMITS.title),
    signal: {
      text: cutText(text, INPUT_LIMITS.signalText),
      source: issue.url,
      severity: severityOfLabels(issue.labels),
      ...(customer === undefined ? {} : { customer }),
      ...(line === undefined ? {} : { line }),
    },
    cut: {
      title: title.length > INPUT_LIMITS.title,
      text: text.length > INPUT_LIMITS.signalText,
      customer: (issue.author?.length ?? 0) > INPUT_LIMITS.customer,
    },
  };
}

/**
 * Plans every issue's writes and checks them before anything is written: no
 * issue twice in the export, text that can be stored (no NUL, no lone UTF-16
 * surrogate, which the event log refuses), and, for an issue whose text can
 * be, each input accepted by the schema its write parses it with (a signal's
 * source, the URL, is at most 500 characters). Each problem is named once.
 *
 * @throws ValidationError naming the file, element, field and line of every issue a write would refuse.
 */
export function planIssues(
  factory: Factory,
  subject: string,
  file: string,
  elements: readonly ParsedElement<ExternalIssue>[],
  options: { readonly as: "signals" | "workItems"; readonly line?: string | undefined },
): IssueWrite[] {
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, ParsedElement<ExternalIssue>>();
  const writes = elements.map((element) => {
    const { value: issue, index, line } = element;
    const place = (field: string, message: string): ValidationIssue => ({
      path: `[${index}].${field}`,
      message,
      file,
      ...(line === undefined ? {} : { line }),
    });
    const write = planIssue(factory, issue, options.line);
    const fields: Readonly<Record<string, string>> = EXPORT_FIELDS[issue.system];
    const fromExport = (written: string) => (field: string, message: string) =>
      place(fields[field.split(".")[0] ?? ""] ?? field, `${message} (written as ${written}'s ${field})`);
    const earlier = seen.get(write.refId);
    if (earlier !== undefined)
      issues.push(
        place(
          issue.system === "github" ? "number" : "iid",
          `${write.item} is also element [${earlier.index}]${earlier.line === undefined ? "" : ` on line ${earlier.line}`}; an export lists each issue once`,
        ),
      );
    seen.set(write.refId, element);
    // Text no store can keep is named at its field of the export; the write
    // schemas refuse it too, but would name it again, at their fields (a
    // title's NUL as the signal's text), so they check only storable issues.
    const unstorable = unstorableTextIssues(storedText(issue, options.as));
    for (const problem of unstorable) issues.push(place(problem.path, problem.message));
    if (unstorable.length > 0) return write;
    if (options.as === "signals")
      issues.push(...writeIssues(CaptureSignalInputSchema, write.signal, fromExport("the signal")));
    else if (write.line !== undefined)
      issues.push(
        ...writeIssues(
          CreateWorkItemInputSchema,
          { line: write.line, title: write.title, kind: workItemKindOfLabels(issue.labels) },
          fromExport("the work item"),
        ),
      );
    issues.push(
      ...writeIssues(
        RecordArtifactInputSchema,
        { id: write.refId, kind: "externalRef", title: write.title },
        fromExport("the issue's reference artifact"),
      ),
    );
    return write;
  });
  if (issues.length > 0) throw new ValidationError({ message: formatIssues(subject, issues), issues });
  return writes;
}
