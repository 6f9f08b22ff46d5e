/**
 * Owners proposed for lines: from CODEOWNERS when it names an owner for the
 * line's folder, else from the line's recent git history. A person confirms
 * each proposal.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { relative, sep } from "node:path";
import { promisify } from "node:util";
import { firstSafeLine, strictInput, untrustedGit } from "@software-factory/core";
import { type CodeownersRule, findCodeowners, parseCodeowners, slugify } from "@software-factory/floorplan";
import { z } from "zod";
import { parseInput } from "../../internal/parse.js";
import type { ProposedLine, ProposedOwner } from "../proposal.js";
import type { RepoFiles } from "./files.js";
import { lineOfFile } from "./files.js";
import { codeownersMatcher } from "./internal/structure-glob.js";
import { readOrSkip } from "./internal/unreadable.js";
import { type NameStatusCommit, parseNameStatusLog, parseNumstatLog } from "./numstatLog.js";

const execute = promisify(execFile);

/** Runs git in `cwd` as {@link untrustedGit} builds the call, reading its output as UTF-8. */
function run(cwd: string, args: readonly string[]) {
  const git = untrustedGit(cwd, args);
  return execute(git.file, git.args, { ...git.options, maxBuffer: 1024 * 1024 * 1024, encoding: "utf8" });
}

/** Options of {@link proposeOwners}; another key is refused, naming it and these. */
export const ProposeOwnersOptionsSchema = strictInput({
  /** Read only commits since this date (anything `git log --since` accepts, `2026-01-01`). */
  since: z.string().trim().min(1, "since must be a date, like 2026-01-01").optional(),
  /** Read at most this many recent commits (default 2,000). */
  maxCommits: z
    .number()
    .int("maxCommits must be a whole number")
    .positive("maxCommits must be at least 1")
    .optional(),
});
/** Options of {@link proposeOwners}. */
export type ProposeOwnersOptions = z.input<typeof ProposeOwnersOptionsSchema>;

/** Commits read by default. */
const DEFAULT_MAX_COMMITS = 2000;
/** Authors that are automation, never proposed as owners. */
const BOT = /\[bot\]|dependabot|renovate|github-actions/i;

/** The CODEOWNERS file that applies to the folder imported. */
interface CodeownersPlace {
  /** Its absolute path. */
  readonly path: string;
  /** Its path from the folder imported (`../../.github/CODEOWNERS`), POSIX separators. */
  readonly file: string;
  /** The folder's path from the root its patterns are relative to (`packages/pay/`), or empty at that root. */
  readonly prefix: string;
}

/**
 * Finds the CODEOWNERS for the folder imported. In a folder inside a git
 * repository (a package of a monorepo), the repository's own one (GitHub's
 * and GitLab's places at its root), whose patterns are relative to the
 * repository root. Else, or when the repository has none, one in the
 * folder's own places: outside git the folder is the root, and inside it such
 * a file (say, kept from before the package moved into the monorepo) still
 * declares owners, though GitHub does not enforce it.
 */
async function codeownersPlace(root: string): Promise<CodeownersPlace | undefined> {
  let top = "";
  let prefix = "";
  try {
    const { stdout } = await run(root, ["rev-parse", "--show-toplevel", "--show-prefix"]);
    [top = "", prefix = ""] = stdout.split("\n");
  } catch {
    // Not a git work tree: the folder is the root.
  }
  const above = top === "" || prefix === "" ? undefined : findCodeowners(top);
  if (above !== undefined) {
    const up = "../".repeat(prefix.split("/").filter((segment) => segment !== "").length);
    return { path: above, file: `${up}${relative(top, above).split(sep).join("/")}`, prefix };
  }
  const path = findCodeowners(root);
  return path === undefined
    ? undefined
    : { path, file: relative(root, path).split(sep).join("/"), prefix: "" };
}

/** The files of each line (its own, not those of a line nested in it); a line with none of its own gets every file under its root. */
function filesByLine(repo: RepoFiles, lines: readonly ProposedLine[]): Map<string, string[]> {
  const byLine = new Map<string, string[]>(lines.map((line) => [line.id, []]));
  for (const file of repo.files) {
    const line = lineOfFile(lines, file);
    if (line !== undefined) byLine.get(line.id)?.push(file);
  }
  for (const line of lines) {
    if ((byLine.get(line.id) ?? []).length > 0) continue;
    const under = line.root === "." ? "" : `${line.root}/`;
    byLine.set(
      line.id,
      repo.files.filter((file) => file.startsWith(under)),
    );
  }
  return byLine;
}

/** The files of a line that the rules of one first owner (or of none) decide, and those rules. */
interface OwnerShare {
  readonly owner: string | undefined;
  readonly rules: Set<CodeownersRule>;
  files: number;
}

/**
 * The owner CODEOWNERS gives a line, as far as a folder can have one: each of
 * its files is owned as GitHub owns it (the last rule matching the file's
 * path from the CODEOWNERS file's root), and the line goes to the first owner
 * of the rules deciding the most of its files (files no rule matches do not
 * vote; a rule naming nobody votes for nobody); `matched` counts the files
 * some rule matches. A tie goes to the owner whose
 * rule comes last in the file, as a later rule takes precedence on GitHub.
 * Undefined when no rule matches any of its files.
 */
function decidingShare(
  files: readonly string[],
  prefix: string,
  matchers: readonly { readonly rule: CodeownersRule; readonly test: (path: string) => boolean }[],
): (OwnerShare & { readonly matched: number }) | undefined {
  const shares = new Map<string | undefined, OwnerShare>();
  let matched = 0;
  for (const file of files) {
    const rule = matchers.findLast(({ test }) => test(`${prefix}${file}`))?.rule;
    if (rule === undefined) continue;
    matched++;
    const owner = rule.owners[0];
    const share = shares.get(owner) ?? { owner, rules: new Set(), files: 0 };
    share.rules.add(rule);
    share.files++;
    shares.set(owner, share);
  }
  const lastRule = (share: OwnerShare) => Math.max(...[...share.rules].map((rule) => rule.line));
  const top = [...shares.values()].sort((a, b) => b.files - a.files || lastRule(b) - lastRule(a))[0];
  return top === undefined ? undefined : Object.assign(top, { matched });
}

/** `rule /packages/pay/ at line 3`, or `rules *.ts at line 1, *.tsx at line 2`, with `, for 3 of 4 files` when they decide only some. */
function shareDetail(share: OwnerShare, files: number): string {
  const rules = [...share.rules].sort((a, b) => a.line - b.line);
  const named = rules.map((rule) => `${rule.pattern} at line ${rule.line}`).join(", ");
  const some = share.files < files ? `, for ${share.files} of ${files} files` : "";
  return `rule${rules.length === 1 ? "" : "s"} ${named}${some}`;
}

/**
 * The CODEOWNERS proposals: per line, the owner of the rules deciding most of
 * its files ({@link decidingShare}). Lines at least half of whose files some
 * rule matches are listed as covered even when the deciding rules name no
 * owner (deliberately unowned), so history does not override them; the
 * proposals for lines whose rules match fewer are kept apart (`minor`), for
 * when history has no author for the line.
 */
async function fromCodeowners(
  repo: RepoFiles,
  lines: readonly ProposedLine[],
): Promise<{ owners: ProposedOwner[]; covered: Set<string>; minor: Map<string, ProposedOwner> }> {
  const owners: ProposedOwner[] = [];
  const covered = new Set<string>();
  const minor = new Map<string, ProposedOwner>();
  const place = await codeownersPlace(repo.root);
  if (place === undefined) return { owners, covered, minor };
  const { file, prefix } = place;
  const text = await readOrSkip(file, repo.problems, () => readFile(place.path, "utf8"));
  if (text === undefined) return { owners, covered, minor };
  const { rules } = parseCodeowners(text, file);
  const matchers = rules.map((rule) => ({ rule, test: codeownersMatcher(rule.pattern) }));
  const byLine = filesByLine(repo, lines);
  for (const line of lines) {
    const files = byLine.get(line.id) ?? [];
    const share = decidingShare(files, prefix, matchers);
    // Rules matching less than half of a line's files (`scripts/` matching a package's scripts folder) leave it to history.
    const decides = share !== undefined && share.matched * 2 >= files.length;
    if (decides) covered.add(line.id);
    const owner = share?.owner;
    if (share === undefined || owner === undefined) continue;
    const isEmail = !owner.startsWith("@");
    const proposal: ProposedOwner = {
      line: line.id,
      operator: slugify(isEmail ? (owner.split("@")[0] ?? owner) : owner.slice(1).replace(/\//g, "-")),
      name: owner,
      ...(isEmail ? { email: owner } : { handle: owner }),
      evidence: {
        file,
        ...(repo.commit === undefined ? {} : { commit: repo.commit }),
        method: "codeowners",
        confidence: Math.round((share.files / files.length) * 100) / 100,
        detail: shareDetail(share, files.length),
      },
    };
    if (decides) owners.push(proposal);
    else minor.set(line.id, proposal);
  }
  return { owners, covered, minor };
}

interface AuthorStats {
  name: string;
  readonly email: string;
  readonly commits: Set<string>;
  lines: number;
}

interface LineStats {
  readonly commits: Set<string>;
  lines: number;
  oldest: string;
  readonly authors: Map<string, AuthorStats>;
}

/** What git said when a `git log` failed: its first line, made safe, or the error's message. */
function gitFailure(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const why =
    (typeof stderr === "string" ? stderr : "").split("\n").find((line) => line.trim() !== "") ??
    (error instanceof Error ? error.message : String(error));
  return firstSafeLine(why.trim(), "git log failed");
}

/**
 * At most this many pathspecs, and this many characters of them, are passed:
 * git matches each tree entry it walks against every one (1,255 renamed files
 * made apache/maven-resolver's history read 3.5 times slower than over the
 * whole folder), and Windows caps a command line at 32,767 characters.
 */
const MAX_PATHSPECS = 48;
const MAX_PATHSPEC_CHARS = 16_000;

/** The paths, without those inside another of them. */
function outermost(paths: Iterable<string>): string[] {
  const all = new Set(paths);
  return [...all].filter((path) => {
    for (let cut = path.lastIndexOf("/"); cut > 0; cut = path.lastIndexOf("/", cut - 1))
      if (all.has(path.slice(0, cut))) return false;
    return true;
  });
}

/**
 * The paths whose changes can count for the lines proposed from history: the
 * roots of those lines, and each path outside them that a commit renamed into
 * or out of one of them, so that git pairs the rename as it does over the
 * whole folder (a path it does not diff is never paired with one it does, so
 * what it counts for these lines is the same). Only these are diffed for line
 * counts; the rest (a lockfile at the root, docs and examples no line holds)
 * counts for no line, and diffing it was most of the time the history took:
 * TanStack/query's `pnpm-lock.yaml`, changed by 400 of the last 2,000
 * commits, three quarters of it. When they are too many ({@link
 * MAX_PATHSPECS}), the deepest are replaced by their folders, level by level;
 * `.` (the whole folder) when a root line is among them or even the top
 * folders are too many.
 */
function countedPaths(
  lines: readonly ProposedLine[],
  rest: readonly ProposedLine[],
  commits: readonly NameStatusCommit[],
): string[] {
  if (rest.some((line) => line.root === ".")) return ["."];
  const ids = new Set(rest.map((line) => line.id));
  const counted = (path: string) => ids.has(lineOfFile(lines, path)?.id ?? "");
  const paths = new Set(rest.map((line) => line.root));
  for (const { renames } of commits)
    for (const pair of renames) if (pair.some(counted)) for (const path of pair) paths.add(path);
  let specs = outermost(paths);
  const depth = (path: string) => path.split("/").length;
  const tooMany = () =>
    specs.length > MAX_PATHSPECS ||
    specs.reduce((chars, path) => chars + path.length + 1, 0) > MAX_PATHSPEC_CHARS;
  while (tooMany()) {
    const deepest = Math.max(...specs.map(depth));
    if (deepest <= 1) return ["."];
    specs = outermost(
      specs.map((path) => (depth(path) === deepest ? path.slice(0, path.lastIndexOf("/")) : path)),
    );
  }
  return specs;
}

/**
 * Reads the history and counts, per line, commits and changed lines by
 * author. Two `git log` calls: `--name-status` picks the commits (the last
 * `maxCommits` non-merge ones touching the folder, or those since `since`)
 * and their renames, cheaply; `--numstat` over those commits then diffs only
 * the {@link countedPaths} for their line counts.
 */
async function historyStats(
  repo: RepoFiles,
  lines: readonly ProposedLine[],
  rest: readonly ProposedLine[],
  options: z.output<typeof ProposeOwnersOptionsSchema>,
): Promise<{ stats: Map<string, LineStats>; failure?: string }> {
  const common = [
    // A renamed file counts for its new path, not as all its lines deleted at one path and added at another.
    "--find-renames",
    // NUL-terminated records: paths as they are, never quoted.
    "-z",
    // Paths relative to the folder imported, and only its commits, when it is a folder inside a repository.
    "--relative",
  ];
  const window = [
    "log",
    "--no-merges",
    ...common,
    "--name-status",
    "--format=%x1e%H",
    `--max-count=${options.maxCommits ?? DEFAULT_MAX_COMMITS}`,
    ...(options.since === undefined ? [] : [`--since=${options.since}`]),
    "--",
    ".",
  ];
  let output: string;
  try {
    const commits = parseNameStatusLog((await run(repo.root, window)).stdout);
    if (commits.length === 0) return { stats: new Map() };
    const numstat = [
      // Line roots and renamed names are paths, never globs.
      "--literal-pathspecs",
      "log",
      // The commits read from stdin, as they are, not their ancestors.
      "--no-walk=unsorted",
      "--stdin",
      ...common,
      "--numstat",
      "--format=%x1e%H%x1f%aN%x1f%aE%x1f%aI",
      "--",
      ...countedPaths(lines, rest, commits),
    ];
    const reading = run(repo.root, numstat);
    // A git that stops early closes its stdin; its exit, not the broken pipe, says why.
    reading.child.stdin?.on("error", () => {});
    reading.child.stdin?.end(`${commits.map(({ hash }) => hash).join("\n")}\n`);
    output = (await reading).stdout;
  } catch (error) {
    // Say why (a partial clone missing blobs, a corrupt object) rather than propose nobody silently.
    return { stats: new Map(), failure: gitFailure(error) };
  }
  const stats = new Map<string, LineStats>();
  for (const { header, changes } of parseNumstatLog(output)) {
    const [hash = "", name = "", email = "", date = ""] = header.split("\x1f");
    if (hash === "" || BOT.test(name) || BOT.test(email)) continue;
    for (const { path, added, deleted } of changes) {
      const line = lineOfFile(lines, path);
      if (line === undefined) continue;
      const changed = added + deleted;
      const entry = stats.get(line.id) ?? { commits: new Set(), lines: 0, oldest: date, authors: new Map() };
      const key = email.toLowerCase();
      const author = entry.authors.get(key) ?? { name, email, commits: new Set(), lines: 0 };
      entry.commits.add(hash);
      entry.lines += changed;
      if (date < entry.oldest) entry.oldest = date;
      author.commits.add(hash);
      author.lines += changed;
      entry.authors.set(key, author);
      stats.set(line.id, entry);
    }
  }
  return { stats };
}

/** The share score of an author in a line: half its share of commits, half its share of changed lines. */
function scoreOf(author: AuthorStats, line: LineStats): number {
  const commitShare = author.commits.size / line.commits.size;
  return line.lines === 0 ? commitShare : 0.5 * commitShare + 0.5 * (author.lines / line.lines);
}

/** Operator ids from e-mail local parts, unique: a second address with the same slug gets `-2`, then `-3`. */
function operatorIds(emails: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const email of [...new Set(emails)].sort()) {
    const base = slugify(email.split("@")[0] ?? email);
    let id = base;
    for (let suffix = 2; taken.has(id); suffix++) id = `${base}-${suffix}`;
    taken.add(id);
    ids.set(email, id);
  }
  return ids;
}

/**
 * Proposes an owner per line. When the repository has a CODEOWNERS file
 * (`.github/`, the root, `docs/` or `.gitlab/`), a line's owner follows
 * GitHub's semantics as far as a folder can: each file of the line (not of a
 * line nested in it) is owned by the last rule matching it, so `*.ts @web`
 * owns a line's TypeScript files even after `/packages/ @platform`; the line
 * goes to the first owner of the rules deciding the most of its files (a tie
 * to the owner of the rule last in the file), files no rule matches not
 * voting. Method `codeowners`, confidence the share of the line's files those
 * rules decide (1 when they decide all), detail `rule <pattern> at line N`
 * (`rules *.ts at line 1, *.tsx at line 2, for 3 of 4 files` when several
 * decide, or only some of the files). Rules that match less than half of a
 * line's files (TanStack Query's `scripts/ @TanStack/tanstack-core` matching
 * one of a package's 66 files) do not settle it: the line is proposed from
 * history, and from those rules only when history has no author for it. For a folder inside a git
 * repository, that is the repository's CODEOWNERS, matched against paths from
 * the repository root (`/packages/pay/` covers the folder `packages/pay`), its
 * evidence file given from the folder (`../../.github/CODEOWNERS`); one in the
 * folder's own places counts only when the repository root has none. The
 * operator id is the slug of the handle without `@` (`@acme/payments` ->
 * `acme-payments`), or of an e-mail owner's local part. A line whose deciding rules name no owner gets none, and no proposal from history either.
 *
 * Lines none of whose files (or less than half) a CODEOWNERS rule matches are proposed from git history: the
 * `git log -z --numstat` of the last `maxCommits` (default 2,000) non-merge
 * commits, or those since `since`; each changed file counts for the line
 * containing it, under its name as it is (a tab, a line break, a quote or
 * `é` in it included), a renamed file for the line of its new path. Only the
 * files of those lines, and those renamed into or out of them, are diffed:
 * a file no line holds counts for none, so a blob of it git cannot read is no
 * problem. When the folder imported is inside a repository (a package
 * of a monorepo), only the commits and files under it count. An author's score in a line is
 * `0.5 * commitShare + 0.5 * lineShare` (its share of the line's commits and
 * of its added plus deleted lines; the commit share alone when no line
 * counts, as for binary files). The top author is proposed with that score as
 * confidence (rounded to 0.01), method `git-history`, the line root as file
 * and a detail like `5 of 8 commits, 120 of 150 lines changed since 2026-01-01`.
 * Bots (`[bot]`, dependabot, renovate, github-actions) are ignored; lines
 * with no commits get no proposal. The operator id is the slug of the e-mail
 * local part, made unique; its name is the author's made one line with
 * `toSafeLine`, as the floor plan takes it (the e-mail when nothing is left).
 * Output is sorted by line id.
 *
 * @throws ValidationError when the options are malformed.
 */
export async function proposeOwners(
  repo: RepoFiles,
  lines: readonly ProposedLine[],
  options: ProposeOwnersOptions = {},
): Promise<ProposedOwner[]> {
  return (await proposeOwnersReport(repo, lines, options)).owners;
}

/**
 * {@link proposeOwners}, with the problem met reading the history: when
 * `git log` fails (a partial clone whose blobs are missing, a corrupt
 * object), a problem on `.` saying what git said and that no owner was
 * proposed from history, instead of proposing none silently.
 *
 * @throws ValidationError when the options are malformed.
 */
export async function proposeOwnersReport(
  repo: RepoFiles,
  lines: readonly ProposedLine[],
  options: ProposeOwnersOptions = {},
): Promise<{ owners: ProposedOwner[]; problems: { file: string; message: string }[] }> {
  const problems: { file: string; message: string }[] = [];
  const parsed = parseInput(ProposeOwnersOptionsSchema, options, "proposeOwners options");
  const { owners, covered, minor } = await fromCodeowners(repo, lines);
  const rest = lines.filter((line) => !covered.has(line.id));
  const fromHistory = new Set<string>();
  if (rest.length > 0 && repo.commit !== undefined) {
    const { stats, failure } = await historyStats(repo, lines, rest, parsed);
    if (failure !== undefined)
      problems.push({
        file: ".",
        message: `git log could not read the history (${failure}): no owner was proposed from it for ${rest.length} line${rest.length === 1 ? "" : "s"}; run the import where git can read every commit (a full clone)`,
      });
    const top: { line: ProposedLine; author: AuthorStats; stats: LineStats; score: number }[] = [];
    for (const line of rest) {
      const entry = stats.get(line.id);
      if (entry === undefined) continue;
      const ranked = [...entry.authors.values()]
        .map((author) => ({ author, score: scoreOf(author, entry) }))
        .sort(
          (a, b) =>
            b.score - a.score ||
            b.author.commits.size - a.author.commits.size ||
            (a.author.email < b.author.email ? -1 : 1),
        );
      const best = ranked[0];
      if (best !== undefined) top.push({ line, author: best.author, stats: entry, score: best.score });
      if (best !== undefined) fromHistory.add(line.id);
    }
    const ids = operatorIds(top.map(({ author }) => author.email.toLowerCase()));
    for (const { line, author, stats: entry, score } of top)
      owners.push({
        line: line.id,
        operator: ids.get(author.email.toLowerCase()) ?? slugify(author.email),
        // A git author's name may hold a tab or a bidi override, which an operator's name refuses.
        name: firstSafeLine(author.name, author.email),
        email: author.email,
        evidence: {
          file: line.root,
          commit: repo.commit,
          method: "git-history",
          confidence: Math.round(score * 100) / 100,
          detail: `${author.commits.size} of ${entry.commits.size} commits, ${author.lines} of ${entry.lines} lines changed since ${parsed.since ?? entry.oldest.slice(0, 10)}`,
        },
      });
  }
  for (const [line, proposal] of minor) if (!fromHistory.has(line)) owners.push(proposal);
  return { owners: owners.sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0)), problems };
}
