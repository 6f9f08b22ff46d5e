/**
 * The git connector: commits become change-set artifacts, linked to the work
 * items they implement and attributed to the line that owns their paths.
 *
 * @module
 */
import { resolve } from "node:path";
import {
  cutText,
  firstSafeLine,
  formatIssues,
  instantOf,
  POINT_IN_TIME_EXPECTED,
  type RecordArtifactInput,
  ValidationError,
} from "@software-factory/core";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import { countRecording, newCounter, type SummaryCounter, summaryOf } from "./internal/counter.js";
import {
  factoryItemTrailers,
  gitLog,
  type LoggedCommit,
  mergedBranch,
  reachable,
  workItemIdsIn,
} from "./internal/gitLog.js";
import type { ConnectorSummary } from "./summary.js";

const revision = z
  .string()
  .trim()
  .min(1)
  .refine((value) => !value.startsWith("-"), "must not start with '-'");

/** Options of {@link importGitCommits}. */
export const GitImportOptionsSchema = z.object({
  /** The repository (its work tree or any folder inside it). */
  root: z.string().min(1, "root must name a git repository"),
  /** A revision range (`main~50..main`); every branch and HEAD when omitted. */
  range: revision.optional(),
  /**
   * Only commits after this point in time: an ISO date (`2026-01-01`), an
   * instant (`2026-01-01T09:00:00Z`) or a span back from now (`30d`, `2w`).
   */
  since: z
    .string()
    .trim()
    .refine((value) => instantOf(value) !== undefined, POINT_IN_TIME_EXPECTED)
    .optional(),
});
/** Options of {@link importGitCommits}. */
export type GitImportOptions = z.input<typeof GitImportOptionsSchema>;

/** Most paths kept on one change set; `pathCount` says how many the commit touched. */
const MAX_PATHS = 1000;

/**
 * The work items each commit belongs to, from:
 * 1. its `Factory-Item: <id>` trailers;
 * 2. a merge commit whose subject names a branch with a work item id
 *    (`Merge branch 'feature/wi_01J...'`, `Merge pull request #7 from acme/wi_01J...`):
 *    the commits that merge brought in (reachable from its second parent, not its first);
 * 3. a branch whose name holds a work item id (`%D` decorations): the commits
 *    on it that HEAD does not reach yet (its unmerged work; only its tip when
 *    the range leaves HEAD out).
 */
function workItemsOf(commits: readonly LoggedCommit[]): Map<string, Set<string>> {
  const byHash = new Map(commits.map((commit) => [commit.hash, commit]));
  const items = new Map<string, Set<string>>();
  const add = (hash: string, ids: readonly string[]) => {
    if (ids.length === 0) return;
    const set = items.get(hash) ?? new Set<string>();
    for (const id of ids) set.add(id);
    items.set(hash, set);
  };
  for (const commit of commits) add(commit.hash, factoryItemTrailers(commit.body));
  const idsOfMerge = (commit: LoggedCommit) => workItemIdsIn(mergedBranch(commit.subject) ?? "");
  // Merges on the mainline (first parents from HEAD, or from the newest commit), oldest first: each
  // brought in what its other parents reach and had not landed yet. One walk over the history.
  const head = commits.find((commit) => commit.head);
  const mainline: LoggedCommit[] = [];
  for (let at = head ?? commits[0]; at !== undefined; at = byHash.get(at.parents[0] ?? "")) mainline.push(at);
  const onMainline = new Set(mainline.map((commit) => commit.hash));
  const landed = new Set(onMainline);
  for (const merge of mainline.reverse()) {
    if (merge.parents.length < 2) continue;
    const brought = reachable(byHash, merge.parents.slice(1), landed);
    for (const hash of brought) landed.add(hash);
    for (const hash of brought) add(hash, idsOfMerge(merge));
  }
  // Merges elsewhere (into a branch), only when they name a work item: their own walk.
  for (const merge of commits) {
    const [first, ...others] = merge.parents;
    const ids = idsOfMerge(merge);
    if (first === undefined || others.length === 0 || ids.length === 0 || onMainline.has(merge.hash))
      continue;
    for (const hash of reachable(byHash, others, reachable(byHash, [first]))) add(hash, ids);
  }
  const fromHead = reachable(byHash, head === undefined ? [] : [head.hash]);
  for (const commit of commits) {
    const ids = commit.branches.flatMap(workItemIdsIn);
    if (ids.length === 0 || fromHead.has(commit.hash)) continue;
    // Without HEAD in the range, the branch's own commits cannot be told from its base: only its tip is.
    const own = head === undefined ? [commit.hash] : reachable(byHash, [commit.hash], fromHead);
    for (const hash of own) add(hash, ids);
  }
  return items;
}

/** The line owning most of the paths (ties broken by line id), if any path has a line. */
function lineOfPaths(factory: Factory, paths: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const path of paths) {
    // Git names no blank path, nor the root: the floor plan reads every one, a space at either end included.
    const line = factory.floorplan.lineForPath(path);
    if (line !== undefined) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * Commits written in one append, one transaction of the event log: a commit
 * costs a transaction's sync to disk when written alone (10.1 of 22.5 s for
 * 1,241 commits), while a page of them costs one. An import stopped midway
 * leaves whole pages, and a re-run writes only what is missing.
 */
const BATCH_SIZE = 250;

/** A commit's change set, and the work items beyond its first that it also implements. */
interface PlannedCommit {
  readonly artifact: RecordArtifactInput & { readonly id: string };
  readonly others: readonly string[];
}

/** The change set recording a commit, under its first known work item. */
function changeSetOf(
  factory: Factory,
  commit: LoggedCommit,
  workItem: string | undefined,
): PlannedCommit["artifact"] {
  const line = lineOfPaths(factory, commit.paths);
  return {
    id: `CS-${commit.hash.slice(0, 12)}`,
    kind: "changeSet",
    // A title is one line without control characters or bidi overrides; the subject field keeps the exact text.
    title: cutText(firstSafeLine(commit.subject, `commit ${commit.hash.slice(0, 12)}`), 500),
    fields: {
      commit: commit.hash,
      paths: commit.paths.slice(0, MAX_PATHS),
      ...(commit.paths.length > MAX_PATHS ? { pathCount: commit.paths.length } : {}),
      author: commit.author,
      email: commit.email,
      ...(commit.coAuthors.length === 0 ? {} : { coAuthors: commit.coAuthors }),
      date: commit.date,
      subject: commit.subject,
    },
    ...(workItem === undefined ? {} : { workItem }),
    ...(line === undefined ? {} : { line }),
    // The repository says where a commit sits: one whose paths went to another line moves there.
    move: true,
  };
}

/**
 * Records a batch's change sets in one append (unchanged ones write nothing),
 * then the `implements` links its last commit lacks in another, and counts them.
 * Only the last commit of a batch has links to make (a commit with some ends its batch).
 */
async function writeBatch(factory: Factory, batch: readonly PlannedCommit[], counter: SummaryCounter) {
  const seen = new Set<string>();
  const existed = batch.map(({ artifact }) => {
    const was = seen.has(artifact.id) || factory.work.artifact(artifact.id) !== undefined;
    seen.add(artifact.id);
    return was;
  });
  const recorded = await factory.work.recordArtifacts(batch.map(({ artifact }) => artifact));
  for (const [index, { changed }] of recorded.entries())
    countRecording(counter, existed[index] === true, changed);
  const last = batch.at(-1);
  if (last === undefined) return;
  const { id } = last.artifact;
  const missing = last.others.filter(
    (other) => !factory.work.linksOf(id).some((link) => link.to === other && link.type === "implements"),
  );
  if (missing.length === 0) return;
  await factory.work.linkAll(missing.map((other) => ({ from: id, to: other, type: "implements" as const })));
  counter.created += missing.length;
}

/**
 * The refusal of a `git log` that failed, naming what git complained about: a
 * root outside any repository is about `root` (named, whatever range was
 * given); any other failure is about the range when one was given, else the root.
 * About an option, not a file: the issue names the option alone (the root is no file to point into).
 */
function gitLogFailed(root: string, range: string | undefined, cause: unknown): ValidationError {
  const detail = ((cause as { stderr?: string }).stderr ?? (cause as Error).message).trim().split("\n")[0];
  const issue = /not a git repository/i.test(detail ?? "")
    ? {
        path: "root",
        message: `git log failed: ${detail}; ${resolve(root)} is in no git repository (give the repository's folder)`,
      }
    : { path: range === undefined ? "root" : "range", message: `git log failed: ${detail}` };
  return new ValidationError({ message: formatIssues("git import options", [issue]), issues: [issue] });
}

/**
 * Imports a repository's commits with one `git log` call: each commit that
 * touched a path becomes a `changeSet` artifact `CS-<first 12 hex>` with its
 * commit, paths, author (`author`, `email`), date and subject (as written; its
 * title is the subject made one line: a tab or other control character becomes
 * a space, a bidi override is dropped), and, when its
 * message credits others with `Co-authored-by: Name <email>` trailers, those
 * people as `coAuthors` (`[{ name, email }]`, each once, the author left out;
 * read as git reads trailers: only in the message's closing trailer block, the
 * key in any case, so such a line in the middle of the body credits no one);
 * it is attributed to the line owning
 * most of its paths (`floorplan.lineForPath`, as the floor plan is at each import: a re-import
 * after the paths went to another line moves the change set there) and belongs to the work item named by:
 * 1. a `Factory-Item: <id>` trailer in its message;
 * 2. a merge commit whose subject names a branch holding a work item id
 *    (`Merge branch 'feature/wi_01J...'`, `Merge pull request #7 from acme/wi_01J...`):
 *    every commit that merge brought in (reachable from its second parent, not its first);
 * 3. a branch whose name holds a work item id (the `%D` decorations of the log):
 *    its commits that HEAD does not reach yet (only its tip when the range leaves HEAD out).
 *
 * A commit naming several work items is recorded under the first and linked
 * (`implements`) to the others. Unknown work item ids are reported as
 * problems; commits touching no path (merges, empty commits) are skipped, and
 * so is the oldest commit of a shallow clone (`git clone --depth`), whose
 * parent was not fetched: git cannot tell what it changed, only its whole tree.
 * Re-running writes nothing for commits already imported (a commit with
 * co-authors imported by a version that did not record them gains a version once).
 * Change sets are written oldest first, 250 commits to an append (one
 * transaction), so an import stopped midway leaves whole batches and a re-run
 * writes the rest.
 *
 * @throws ValidationError when the options are invalid (issue `root` for a folder outside
 *   git, naming it, whether or not a range was given) or git cannot read the range (issue `range`).
 * @example
 * ```ts
 * const summary = await importGitCommits(factory, { root: ".", range: "main~50..main" });
 * ```
 */
export async function importGitCommits(
  factory: Factory,
  options: GitImportOptions,
): Promise<ConnectorSummary> {
  const input = parseInput(GitImportOptionsSchema, options, "git import options");
  let commits: LoggedCommit[];
  try {
    commits = await gitLog(input.root, {
      ...(input.range === undefined ? {} : { range: input.range }),
      ...(input.since === undefined ? {} : { since: (instantOf(input.since) as Date).toISOString() }),
    });
  } catch (cause) {
    throw gitLogFailed(input.root, input.range, cause);
  }
  await Promise.all([factory.floorplan.refresh(), factory.work.refresh()]);
  const counter = newCounter();
  const items = workItemsOf(commits);
  let batch: PlannedCommit[] = [];
  for (const commit of [...commits].reverse()) {
    if (commit.paths.length === 0 || commit.shallow) {
      counter.skipped += 1;
      continue;
    }
    const known: string[] = [];
    for (const id of items.get(commit.hash) ?? []) {
      if (factory.work.get(id) !== undefined) known.push(id);
      else
        counter.problems.push({
          item: `commit ${commit.hash.slice(0, 12)}`,
          message: `work item "${id}" named by the commit does not exist`,
        });
    }
    batch.push({ artifact: changeSetOf(factory, commit, known[0]), others: known.slice(1) });
    // A commit linking other work items ends its batch, so its links follow it in the log as they always did.
    if (batch.length === BATCH_SIZE || known.length > 1) {
      await writeBatch(factory, batch, counter);
      batch = [];
    }
  }
  if (batch.length > 0) await writeBatch(factory, batch, counter);
  return summaryOf(counter);
}
