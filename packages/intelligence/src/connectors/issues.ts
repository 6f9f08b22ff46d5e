/**
 * The issue connector: GitHub and GitLab issue exports become signals or work
 * items, with their labels, routed to lines, and never duplicated on a re-run.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { formatIssues, ValidationError, WipLimitError } from "@software-factory/core";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import { countRecording, newCounter, type SummaryCounter, summaryOf } from "./internal/counter.js";
import { parseJsonArray, readInputFile } from "./internal/inputFile.js";
import { fromGitHub, fromGitLab, GitHubIssueSchema, GitLabIssueSchema } from "./internal/issueRecords.js";
import { type IssueWrite, planIssues } from "./internal/issueWrites.js";
import { workItemKindOfLabels } from "./issueLabels.js";
import type { ConnectorSummary } from "./summary.js";

export { severityOfLabels, workItemKindOfLabels } from "./issueLabels.js";

/** Options of {@link importIssues}. */
export const IssueImportOptionsSchema = z.object({
  /** A JSON file: `gh issue list --json number,title,body,labels,state,url,author,createdAt`, or the GitLab API's issues. */
  file: z.string().min(1, "file must name an issue export"),
  /** Which export the file is: `github` (`gh issue list --json`) or `gitlab` (the REST API's issue list). */
  format: z.enum(["github", "gitlab"]),
  /** What each issue becomes. */
  as: z.enum(["signals", "workItems"]),
  /** Line for issues whose labels name none (work items need a line). */
  line: z.string().min(1).optional(),
  /** Import closed issues too (default: only open ones; closed ones are counted as skipped). */
  includeClosed: z.boolean().default(false),
  /** Dotted path of the array of issues when the file is an object (`items` of GitHub's search API); default the file itself. */
  records: z.string().min(1).optional(),
});
/** Options of {@link importIssues}. */
export type IssueImportOptions = z.input<typeof IssueImportOptionsSchema>;

/** A work item for an issue, or undefined (a problem) when the line's WIP limit refuses it. */
async function createWorkItem(
  factory: Factory,
  write: IssueWrite,
  line: string,
  counter: SummaryCounter,
): Promise<string | undefined> {
  try {
    const created = await factory.work.createWorkItem({
      line,
      title: write.title,
      kind: workItemKindOfLabels(write.issue.labels),
    });
    return created.id;
  } catch (error) {
    if (!(error instanceof WipLimitError)) throw error;
    counter.problems.push({ item: write.item, message: error.message });
    counter.skipped += 1;
    return undefined;
  }
}

async function importOne(
  factory: Factory,
  write: IssueWrite,
  as: "signals" | "workItems",
  counter: SummaryCounter,
): Promise<void> {
  const { issue, item, line } = write;
  if (write.unknownLine !== undefined)
    counter.problems.push({
      item,
      message: `label names line "${write.unknownLine}", which the floor plan does not have`,
    });
  const previous = factory.work.artifact(write.refId);
  const targetKind = as === "signals" ? "signal" : "workItem";
  if (previous !== undefined && previous.fields.targetKind !== targetKind) {
    counter.problems.push({
      item,
      message: `already imported as a ${String(previous.fields.targetKind)} (${write.refId})`,
    });
    counter.skipped += 1;
    return;
  }
  let target = typeof previous?.fields.target === "string" ? previous.fields.target : undefined;
  let truncated = 0;
  if (target === undefined) {
    if (as === "workItems" && line === undefined) {
      counter.problems.push({
        item,
        message: "no line for the work item: label it line:<id> or pass a line",
      });
      counter.skipped += 1;
      return;
    }
    if (as === "signals") {
      target = (await factory.work.captureSignal(write.signal)).id;
      truncated += Number(write.cut.text) + Number(write.cut.customer);
    } else target = await createWorkItem(factory, write, line as string, counter);
    if (target === undefined) return;
  }
  const { changed } = await factory.work.recordArtifact({
    id: write.refId,
    kind: "externalRef",
    title: write.title,
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
    // The issue's labels say where it sits: relabelled for another line, its reference moves there.
    move: true,
  });
  // The title is written cut on the work item and the reference, counted once when either was written.
  if (changed) truncated += Number(write.cut.title);
  counter.truncated += truncated;
  countRecording(counter, previous !== undefined, changed);
}

/**
 * Imports a GitHub (`gh issue list --json number,title,body,labels,state,url,author,createdAt`)
 * or GitLab (API issues JSON) export as signals or work items. A GitHub export
 * may also be `gh search issues --json ...` or the REST API's issue list
 * (`gh api repos/<owner>/<repo>/issues`, read by its `html_url`, `user` and
 * `created_at`); the pull requests these list are skipped.
 *
 * - Signals: text is the title and body, source the issue URL, customer the
 *   author, severity from the labels (`severityOfLabels`).
 * - Work items: title (made one line, as on the reference: a tab or other
 *   control character becomes a space, a bidi override is dropped; the issue's
 *   name, `github acme/shop#42`, when nothing is left), kind from the labels (`workItemKindOfLabels`);
 *   the assembly line has no tags, so labels are kept on the issue's reference artifact.
 * - Routing: a `line:<id>` label (or a label that is a line id) routes it, else `line`.
 * - Idempotency: each issue gets an `externalRef` artifact
 *   `ext-<system>-<project>-<number>` holding the signal or work item it
 *   became; a re-run finds it and writes nothing (an edited issue records a
 *   new version of the reference, counted as updated, and one relabelled for
 *   another line moves its signal's reference there; the signal or work item
 *   itself is not rewritten). A crash between creating the signal or item and
 *   recording its reference would duplicate that one issue on the next run.
 *
 * Every element is validated before anything is written: its fields
 * (`createdAt` an ISO 8601 instant), no issue listed twice, and what it will
 * write, with the schemas of the writes themselves (a URL past a signal
 * source's 500 characters is refused). Fields a tracker allows longer than
 * the factory does are cut instead, since the export cannot be changed: the
 * title to 500 characters, a signal's text (title and body) to 10,000, its
 * customer (the author) to 200; the summary counts each field written cut as
 * `truncated`, and the reference keeps the full author. Each problem says
 * what the field must be, at a path with its list indexes in brackets, one
 * problem a value (`[1].number: must be a number, not a string`,
 * `[2].url: required (a string)`, `[4].labels[0].name: must not be empty`).
 *
 * @throws ValidationError naming the file, element, field and line of each bad element, a `line` the floor plan lacks, or the line and column of the first byte that is not UTF-8 text.
 * @throws NotFoundError when the file does not exist.
 * @example
 * ```ts
 * const summary = await importIssues(factory, { file: "issues.json", format: "github", as: "signals" });
 * ```
 */
export async function importIssues(factory: Factory, options: IssueImportOptions): Promise<ConnectorSummary> {
  const input = parseInput(IssueImportOptionsSchema, options, "issue import options");
  const subject = `${input.format === "github" ? "GitHub" : "GitLab"} issue export`;
  const text = await readInputFile(subject, input.file);
  const elements =
    input.format === "github"
      ? parseJsonArray(subject, input.file, text, GitHubIssueSchema, input.records).map((element) => ({
          ...element,
          value: fromGitHub(element.value),
        }))
      : parseJsonArray(subject, input.file, text, GitLabIssueSchema, input.records).map((element) => ({
          ...element,
          value: fromGitLab(element.value),
        }));
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  if (input.line !== undefined && factory.floorplan.line(input.line) === undefined) {
    const issue = { path: "line", message: `the floor plan has no line "${input.line}"` };
    throw new ValidationError({ message: formatIssues("issue import options", [issue]), issues: [issue] });
  }
  const counter = newCounter();
  const issues = elements.filter((element) => !element.value.pullRequest);
  counter.skipped += elements.length - issues.length;
  const writes = planIssues(factory, subject, input.file, issues, input);
  for (const write of writes) {
    // A closed issue is left out unless asked for, or imported before (its reference then records the state).
    if (!write.issue.open && !input.includeClosed && factory.work.artifact(write.refId) === undefined)
      counter.skipped += 1;
    else await importOne(factory, write, input.as, counter);
  }
  return summaryOf(counter);
}
