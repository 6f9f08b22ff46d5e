/**
 * One `git log` call read into commits, and the work items their messages and
 * branches name.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { untrustedGit } from "@software-factory/core";

const execute = promisify(execFile);

/** Runs git in `cwd` as {@link untrustedGit} builds the call, reading its output as UTF-8. */
function run(cwd: string, args: readonly string[]) {
  const git = untrustedGit(cwd, args);
  return execute(git.file, git.args, { ...git.options, maxBuffer: 1024 * 1024 * 1024, encoding: "utf8" });
}

/** A commit as the git connector reads it. */
export interface LoggedCommit {
  readonly hash: string;
  readonly parents: readonly string[];
  readonly author: string;
  readonly email: string;
  /** People credited by the message's `Co-authored-by:` trailers, as git reads trailers; the author left out. */
  readonly coAuthors: readonly CoAuthor[];
  /** Author date, ISO 8601. */
  readonly date: string;
  readonly subject: string;
  readonly body: string;
  /** Whether HEAD points at this commit. */
  readonly head: boolean;
  /** Branch names whose tip is this commit (from `%D`). */
  readonly branches: readonly string[];
  /** Paths the commit touched (none for a merge). */
  readonly paths: readonly string[];
  /**
   * Whether the commit is a boundary of a shallow clone: its parents were not
   * fetched, so git lists every file of its tree as touched, not what it changed.
   */
  readonly shallow: boolean;
}

/** A person a `Co-authored-by: Name <email>` trailer credits (no email when the trailer gives none). */
export interface CoAuthor {
  readonly name: string;
  readonly email?: string;
}

const RECORD = "\u001e";
const FIELD = "\u001f";
const TRAILER = "\u001d";
// Co-authored-by trailers as git itself reads them (`git interpret-trailers`): only in the message's
// trailer block, the key in any case, folded values unfolded, one per separator.
const FIELDS = [
  "%H",
  "%P",
  "%an",
  "%ae",
  "%aI",
  "%D",
  "%s",
  "%B",
  "%(trailers:key=Co-authored-by,valueonly,unfold,separator=%x1d)",
];

/**
 * Runs `git log` once over a range (or every branch and HEAD) with the names
 * of the touched files, and reads its commits, newest first. A repository
 * with no commit yet has none to read, when no range is given.
 */
export async function gitLog(
  root: string,
  options: { readonly range?: string; readonly since?: string },
): Promise<LoggedCommit[]> {
  if (options.range === undefined && !(await hasCommits(root))) return [];
  const args = [
    "-c",
    "core.quotePath=false",
    "log",
    // Paths end with NUL, so a name with a tab, a newline or a quote is read as it is, not git-quoted.
    "-z",
    "--name-only",
    "--no-renames",
    `--format=${RECORD}${FIELDS.join(FIELD)}${FIELD}`,
    ...(options.since === undefined ? [] : [`--since=${options.since}`]),
    ...(options.range === undefined
      ? ["--branches", "--end-of-options", "HEAD"]
      : ["--end-of-options", options.range]),
    "--",
  ];
  const { stdout } = await run(root, args);
  const boundary = await shallowBoundary(root);
  return stdout
    .split(RECORD)
    .slice(1)
    .map((record) => {
      const parts = record.split(FIELD);
      const [hash, parents, author, email, date, refs, subject, body, coAuthors] = parts as string[];
      // After the format: git's NUL between commit and file list, a newline, then each path ended by NUL.
      const files = (parts[FIELDS.length] ?? "").replace(/^\0\n?/, "");
      return {
        hash: hash as string,
        parents: (parents as string).split(" ").filter((parent) => parent !== ""),
        author: author as string,
        email: email as string,
        coAuthors: coAuthorsOf(coAuthors as string, email as string),
        date: date as string,
        subject: subject as string,
        body: (body as string).trim(),
        head: (refs as string).split(", ").some((ref) => ref === "HEAD" || ref.startsWith("HEAD -> ")),
        branches: (refs as string)
          .split(", ")
          .map((ref) => ref.replace(/^HEAD -> /, ""))
          .filter((ref) => ref !== "" && ref !== "HEAD" && !ref.startsWith("tag: ")),
        paths: files.split("\0").filter((path) => path !== ""),
        shallow: boundary.has(hash as string),
      };
    });
}

/**
 * The people of `Co-authored-by` trailer values (`Name <email>`, spacing as typed), each once
 * (by email, else by name, in any case) and without the commit's author.
 */
function coAuthorsOf(values: string, authorEmail: string): CoAuthor[] {
  const seen = new Set([authorEmail.toLowerCase()]);
  const people: CoAuthor[] = [];
  for (const value of values.split(TRAILER)) {
    const match = /^(.*?)\s*<([^<>]*)>$/.exec(value.trim());
    const name = (match?.[1] ?? value).replace(/\s+/g, " ").trim();
    const email = match?.[2]?.trim() ?? "";
    const key = (email === "" ? name : email).toLowerCase();
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    people.push({ name: name === "" ? email : name, ...(email === "" ? {} : { email }) });
  }
  return people;
}

/** The commits whose parents a shallow clone at `root` did not fetch (its `shallow` file); none in a full clone. */
async function shallowBoundary(root: string): Promise<Set<string>> {
  const { stdout } = await run(root, ["rev-parse", "--git-path", "shallow"]);
  try {
    const text = await readFile(resolve(root, stdout.trim()), "utf8");
    return new Set(text.split("\n").filter((hash) => hash !== ""));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return new Set();
    throw cause;
  }
}

/** Whether the repository at `root` has a commit at HEAD; throws when `root` is not a repository. */
async function hasCommits(root: string): Promise<boolean> {
  await run(root, ["rev-parse", "--git-dir"]);
  try {
    await run(root, ["rev-parse", "--verify", "--quiet", "HEAD"]);
    return true;
  } catch {
    return false;
  }
}

const WORK_ITEM = /\bwi_[0-9A-HJKMNP-TV-Z]{26}\b/gi;

/** Work item ids in a text (a branch name may lowercase them; ids come back as `wi_` + upper case). */
export function workItemIdsIn(text: string): string[] {
  return [...text.matchAll(WORK_ITEM)].map((match) => `wi_${match[0].slice(3).toUpperCase()}`);
}

/** Values of the `Factory-Item:` trailers of a commit message (its last paragraph). */
export function factoryItemTrailers(message: string): string[] {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const last = paragraphs.length > 1 ? (paragraphs[paragraphs.length - 1] as string) : "";
  return [...last.matchAll(/^Factory-Item:\s*(\S+)\s*$/gim)].map((match) => match[1] as string);
}

/** The branch a merge commit's subject names: `Merge branch 'x'`, `Merge pull request #1 from o/x`, `Merge remote-tracking branch 'origin/x'`. */
export function mergedBranch(subject: string): string | undefined {
  return (
    /^Merge (?:remote-tracking )?branch '([^']+)'/.exec(subject)?.[1] ??
    /^Merge pull request #\d+ from (\S+)/.exec(subject)?.[1] ??
    /^Merge branch (\S+)/.exec(subject)?.[1]
  );
}

/** Commits reachable from `starts` through the logged parents, not entering `stop`. */
export function reachable(
  byHash: ReadonlyMap<string, LoggedCommit>,
  starts: readonly string[],
  stop: ReadonlySet<string> = new Set(),
): Set<string> {
  const seen = new Set<string>();
  const queue = starts.filter((hash) => !stop.has(hash));
  while (queue.length > 0) {
    const hash = queue.pop() as string;
    if (seen.has(hash)) continue;
    seen.add(hash);
    for (const parent of byHash.get(hash)?.parents ?? [])
      if (!seen.has(parent) && !stop.has(parent) && byHash.has(parent)) queue.push(parent);
  }
  return seen;
}
