/**
 * Checks of the git repository a command reads (`import git`, `import
 * codebase --since`), made before the factory opens: an import may create the
 * factory, and a folder outside git or a range git cannot read must leave
 * nothing behind.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
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
  execFileSync("git", args, { cwd: folder, stdio: ["ignore", "ignore", "pipe"] });
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
