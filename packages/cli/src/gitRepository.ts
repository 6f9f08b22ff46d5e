/**
 * Checks of the git repository a command reads (`import git`, `import
 * codebase --since`, the paths of `impact`), made before the factory opens:
 * an import may create the factory, and a folder outside git or a range git
 * cannot read must leave nothing behind.
 *
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { untrustedGit } from "@software-factory/core";
import { UsageError } from "./exitCodes.js";

/** What git said went wrong: its `fatal:` line, else its first line, else the failure to run it. */
function gitReason(error: unknown): string {
  const lines = String((error as { stderr?: unknown }).stderr ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return lines.find((line) => line.startsWith("fatal:")) ?? lines[0] ?? (error as Error).message;
}

/** Runs git in a folder; throws git's failure. */
function git(folder: string, args: readonly string[]): void {
  const call = untrustedGit(folder, args);
  execFileSync(call.file, call.args, { ...call.options, stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * Refuses a folder that is in no git repository (or when git cannot run).
 * `flag` is what named the folder, or what needs the repository
 * (`<root>`, `--since`); `hint` says what to do instead.
 *
 * @throws UsageError naming the flag and the folder, with git's reason:
 *   `<root>: /tmp/notes is in no git repository (fatal: not a git repository ...); give the repository's folder`.
 */
export function requireGitRepository(folder: string, flag: string, hint: string): void {
  try {
    git(folder, ["rev-parse", "--git-dir"]);
  } catch (error) {
    throw new UsageError(
      `${flag}: ${resolve(folder)} is in no git repository (${gitReason(error)}); ${hint}`,
    );
  }
}

/**
 * Refuses a revision range (`main~50..main`) git cannot read in a repository,
 * in the words of the git import's own refusal.
 *
 * @throws UsageError naming the flag, with git's reason:
 *   `--range: git log failed: fatal: bad revision 'nope..HEAD'`.
 */
export function requireGitRange(folder: string, range: string, flag: string): void {
  try {
    git(folder, ["log", "-1", "--format=%H", "--end-of-options", range, "--"]);
  } catch (error) {
    throw new UsageError(`${flag}: git log failed: ${gitReason(error)}`);
  }
}

/** The revisions a git range names (`a..b`, `a...b`; an empty side is HEAD), or the one a single revision is. */
function revisionsOf(text: string): string[] {
  const sides = text.includes("...") ? text.split("...") : text.split("..");
  return sides.length > 2 ? [] : sides.map((side) => (side === "" ? "HEAD" : side));
}

/**
 * The arguments, of those a command took as paths, that name nothing on disk
 * (relative to `folder`) but a commit or a range of commits of the git
 * repository holding `folder` (`HEAD~5..HEAD`, `main`): a change meant as
 * `--since`, which read as a path would be claimed by no line. An argument
 * starting with `./`, `../` or `/`, or holding a control character, is a path.
 * Git is asked once, for all of them (`git cat-file --batch-check`); outside
 * git, or when git cannot run, there are none.
 */
export function gitRevisionArguments(args: readonly string[], folder: string): string[] {
  const candidates = args.filter(
    (arg) =>
      arg !== "" &&
      !/^\.{0,2}\//.test(arg) &&
      !arg.startsWith("-") &&
      !/\p{Cc}/u.test(arg) &&
      revisionsOf(arg).length > 0 &&
      !existsSync(resolve(folder, arg)),
  );
  if (candidates.length === 0) return [];
  const asked = candidates.flatMap((arg) => revisionsOf(arg).map((revision) => `${revision}^{commit}`));
  const git = untrustedGit(folder, ["cat-file", "--batch-check=%(objecttype)"]);
  const answer = spawnSync(git.file, git.args, {
    ...git.options,
    input: `${asked.join("\n")}\n`,
    encoding: "utf8",
  });
  if (answer.status !== 0) return [];
  const commits = answer.stdout.split("\n").map((line) => line === "commit");
  let at = 0;
  return candidates.filter((arg) => {
    const count = revisionsOf(arg).length;
    const all = commits.slice(at, at + count).every(Boolean);
    at += count;
    return all;
  });
}
