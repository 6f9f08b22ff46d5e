/**
 * The issue connector: GitHub and GitLab issue exports become signals or work
 * items, with their labels, routed to lines, and never duplicated on a re-run.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  formatIssues,
  type Severity,
  ValidationError,
  WipLimitError,
  type WorkItemKind,
} from "@software-factory/core";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import { countRecording, newCounter, type SummaryCounter, summaryOf } from "./internal/counter.js";
import { parseJsonArray, readInputFile } from "./internal/inputFile.js";
import {
  type ExternalIssue,
  fromGitHub,
  fromGitLab,
  GitHubIssueSchema,
  GitLabIssueSchema,
} from "./internal/issueRecords.js";
import type { ConnectorSummary } from "./summary.js";

/** Options of {@link importIssues}. */
export const IssueImportOptionsSchema = z.object({
  /** A JSON file: `gh issue list --json number,title,body,labels,state,url,author,createdAt`, or the GitLab API's issues. */
  file: z.string().min(1, "file must name an issue export"),
  format: z.enum(["github", "gitlab"]),
  /** What each issue becomes. */
  as: z.enum(["signals", "workItems"]),
  /** Line for issues whose labels name none (work items need a line). */
  line: z.string().min(1).optional(),
  /** Import closed issues too (default: only open ones; closed ones are counted as skipped). */
  includeClosed: z.boolean().default(false),
});
/** Options of {@link importIssues}. */
export type IssueImportOptions = z.input<typeof IssueImportOptionsSchema>;

const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];
const PRIORITY: Readonly<Record<string, Severity>> = {
  p0: "critical",
  p1: "high",
  p2: "medium",
  p3: "low",
  p4: "low",
};

/**
 * The severity an issue's labels give a signal, the most severe one winning:
 * `severity:<low|medium|high|critical>` (also `severity/`, `severity::`,
 * `priority:`), `P0` critical, `P1` high, `P2` medium, `P3`/`P4` low,
 * `critical` critical, `bug` high; medium when no label says.
 */
export function severityOfLabels(labels: readonly string[]): Severity {
  let best: Severity | undefined;
  const raise = (severity: Severity | undefined) => {
    if (
      severity !== undefined &&
      (best === undefined || SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(best))
    )
      best = severity;
  };
  for (const label of labels.map((name) => name.trim().toLowerCase())) {
    const scoped = /^(?:severity|priority|sev)\s*(?::{1,2}|\/)\s*(.+)$/.exec(label)?.[1];
    const word = scoped ?? label;
    if ((SEVERITIES as readonly string[]).includes(word)) raise(word as Severity);
    raise(PRIORITY[word]);
    if (label === "bug" || label === "type::bug" || label === "kind/bug") raise("high");
  }
  return best ?? "medium";
}

/** The kind of work an issue's labels make it: `bug`, `chore`, `improvement`/`enhancement`, else a feature. */
export function workItemKindOfLabels(labels: readonly string[]): WorkItemKind {
  const words = labels.map((label) => label.toLowerCase().replace(/^(?:type|kind)\s*(?::{1,2}|\/)\s*/, ""));
  if (words.includes("bug") || words.includes("defect")) return "bug";
  if (words.includes("chore") || words.includes("maintenance")) return "chore";
  if (words.includes("improvement") || words.includes("enhancement")) return "improvement";
  return "feature";
}

/** The artifact that remembers an imported issue: `ext-<system>-<project>-<number>`. */
function refId(issue: ExternalIssue): string {
  const project = issue.project.replace(/\//g, ".").replace(/[^A-Za-z0-9._-]/g, "_");
  const id = `ext-${issue.system}-${project}-${issue.number}`;
  return id.length <= 128
    ? id
    : `ext-${issue.system}-${createHash("sha256").update(issue.project).digest("hex").slice(0, 16)}-${issue.number}`;
}

/** The line an issue's labels name (`line:<id>`, `line/<id>`, `line::<id>`, or a label that is a line id). */
function lineOfLabels(factory: Factory, labels: readonly string[]): { line?: string; unknown?: string } {
  for (const label of labels) {
    const named = /^line\s*(?::{1,2}|\/)\s*(.+)$/i.exec(label.trim())?.[1];
    if (named !== undefined)
      return factory.floorplan.line(named) === undefined ? { unknown: named } : { line: named };
  }
  const plain = labels.find((label) => factory.floorplan.line(label.trim()) !== undefined);
  return plain === undefined ? {} : { line: plain.trim() };
}

/** Signal text: the title, then the body (bounded). */
const signalText = (issue: ExternalIssue) => `${issue.title}\n\n${issue.body}`.trim().slice(0, 8000);

/** A work item for an issue, or undefined (a problem) when the line's WIP limit refuses it. */
async function createWorkItem(
  factory: Factory,
  line: string,
  issue: ExternalIssue,
  item: string,
  counter: SummaryCounter,
): Promise<string | undefined> {
  try {
    const created = await factory.work.createWorkItem({
      line,
      title: issue.title.slice(0, 500),
      kind: workItemKindOfLabels(issue.labels),
    });
    return created.id;
  } catch (error) {
    if (!(error instanceof WipLimitError)) throw error;
    counter.problems.push({ item, message: error.message });
    counter.skipped += 1;
    return undefined;
  }
}

async function importOne(
  factory: Factory,
  issue: ExternalIssue,
  input: z.output<typeof IssueImportOptionsSchema>,
  counter: SummaryCounter,
): Promise<void> {
  const item = `${issue.system} ${issue.project}#${issue.number}`;
  const routed = lineOfLabels(factory, issue.labels);
  if (routed.unknown !== undefined)
    counter.problems.push({
      item,
      message: `label names line "${routed.unknown}", which the floor plan does not have`,
    });
  const line = routed.line ?? input.line;
  const id = refId(issue);
  const previous = factory.work.artifact(id);
  const targetKind = input.as === "signals" ? "signal" : "workItem";
  if (previous !== undefined && previous.fields.targetKind !== targetKind) {
    counter.problems.push({
      item,
      message: `already imported as a ${String(previous.fields.targetKind)} (${id})`,
    });
    counter.skipped += 1;
    return;
  }
  let target = typeof previous?.fields.target === "string" ? previous.fields.target : undefined;
  if (target === undefined) {
    if (input.as === "workItems" && line === undefined) {
      counter.problems.push({
        item,
        message: "no line for the work item: label it line:<id> or pass a line",
      });
      counter.skipped += 1;
      return;
    }
    target =
      input.as === "signals"
        ? (
            await factory.work.captureSignal({
              text: signalText(issue),
              source: issue.url,
              severity: severityOfLabels(issue.labels),
              ...(issue.author === undefined ? {} : { customer: issue.author }),
              ...(line === undefined ? {} : { line }),
            })
          ).id
        : await createWorkItem(factory, line as string, issue, item, counter);
    if (target === undefined) return;
  }
  const { changed } = await factory.work.recordArtifact({
    id,
    kind: "externalRef",
    title: issue.title.slice(0, 500),
    fields: {
      system: issue.system,
      project: issue.project,
      number: issue.number,
      url: issue.url,
      state: issue.open ? "open" : "closed",
      labels: issue.labels,
      ...(issue.author === undefined ? {} : { author: issue.author }),
      ...(issue.createdAt === undefined ? {} : { createdAt: issue.createdAt }),
      bodyHash: createHash("sha256").update(issue.body).digest("hex").slice(0, 16),
      targetKind,
      target,
    },
    ...(targetKind === "workItem" ? { workItem: target } : line === undefined ? {} : { line }),
  });
  countRecording(counter, previous !== undefined, changed);
}

/**
 * Imports a GitHub (`gh issue list --json number,title,body,labels,state,url,author,createdAt`)
 * or GitLab (API issues JSON) export as signals or work items.
 *
 * - Signals: text is the title and body, source the issue URL, customer the
 *   author, severity from the labels (`severityOfLabels`).
 * - Work items: title, kind from the labels (`workItemKindOfLabels`);
 *   the assembly line has no tags, so labels are kept on the issue's reference artifact.
 * - Routing: a `line:<id>` label (or a label that is a line id) routes it, else `line`.
 * - Idempotency: each issue gets an `externalRef` artifact
 *   `ext-<system>-<project>-<number>` holding the signal or work item it
 *   became; a re-run finds it and writes nothing (an edited issue records a
 *   new version of the reference, counted as updated; the signal or work item
 *   itself is not rewritten). A crash between creating the signal or item and
 *   recording its reference would duplicate that one issue on the next run.
 *
 * Every element is validated before anything is written.
 *
 * @throws ValidationError naming the file, element, field and line of each bad element, or a `line` the floor plan lacks.
 * @throws NotFoundError when the file does not exist.
 * @example
 * ```ts
 * const summary = await importIssues(factory, { file: "issues.json", format: "github", as: "signals" });
 * ```
 */
export async function importIssues(factory: Factory, options: IssueImportOptions): Promise<ConnectorSummary> {
  const input = parseInput(IssueImportOptionsSchema, options, "issue import options");
  const text = await readInputFile(input.file);
  const subject = `${input.format === "github" ? "GitHub" : "GitLab"} issue export`;
  const issues =
    input.format === "github"
      ? parseJsonArray(subject, input.file, text, GitHubIssueSchema).map(fromGitHub)
      : parseJsonArray(subject, input.file, text, GitLabIssueSchema).map(fromGitLab);
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  if (input.line !== undefined && factory.floorplan.line(input.line) === undefined) {
    const issue = { path: "line", message: `the floor plan has no line "${input.line}"` };
    throw new ValidationError({ message: formatIssues("issue import options", [issue]), issues: [issue] });
  }
  const counter = newCounter();
  for (const issue of issues) {
    // A closed issue is left out unless asked for, or imported before (its reference then records the state).
    if (!issue.open && !input.includeClosed && factory.work.artifact(refId(issue)) === undefined)
      counter.skipped += 1;
    else await importOne(factory, issue, input, counter);
  }
  return summaryOf(counter);
}
