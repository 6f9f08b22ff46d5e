/**
 * The paths a git range changes, as `factory impact --since` and the
 * `impact_of_change` tool read them.
 *
 * @module
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { untrustedGit, ValidationError } from "@software-factory/core";

const execute = promisify(execFile);

/** Runs git in `cwd` as {@link untrustedGit} builds the call. */
function run(cwd: string, args: readonly string[], maxBuffer?: number) {
  const git = untrustedGit(cwd, args);
  return execute(git.file, git.args, {
    ...git.options,
    encoding: "utf8",
    ...(maxBuffer === undefined ? {} : { maxBuffer }),
  });
}

/** Options of {@link gitChangedPaths}. */
export interface GitChangedPathsOptions {
  /** The folder git runs in: the repository or any folder inside it (default: the process's working folder). */
  readonly cwd?: string;
  /** The input that named the range (`gitRange`, `--since`), named in the error (default `range`). */
  readonly field?: string;
  /** The range as its caller gave it, when the range was built from it (`main` for `main...HEAD`); named in the error. */
  readonly given?: string;
}

/**
 * The paths a git range changes (`git diff --name-only -z --no-renames <range>`),
 * relative to the repository's root, in git's order.
 *
 * Names are read NUL-separated, never C-quoted, so a path with non-ASCII
 * letters, a space, a tab or a newline comes back as it is on disk (git quotes
 * such names in its line output whatever `core.quotePath` says about
 * non-ASCII). A renamed file counts twice, by its old path and its new one,
 * so the lines of both are affected.
 *
 * @example
 * ```ts
 * const paths = await gitChangedPaths("main...HEAD", { cwd: repo, field: "gitRange" });
 * ```
 *
 * @throws ValidationError naming `field` and the range, with git's reason, when
 *   git cannot diff it (a ref the repository lacks, a folder outside git, no git).
 */
export async function gitChangedPaths(
  range: string,
  options: GitChangedPathsOptions = {},
): Promise<string[]> {
  const cwd = options.cwd ?? process.cwd();
  const field = options.field ?? "range";
  const given = options.given ?? range;
  if (range.trim() === "" || range.startsWith("-"))
    throw refused(field, given, cwd, "a git ref or range must not be empty or start with '-'");
  try {
    const { stdout } = await run(
      cwd,
      // Submodules' work trees are not looked into: their configuration is not read for filters to empty.
      [
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        "--ignore-submodules=dirty",
        "--end-of-options",
        range,
        "--",
      ],
      256 * 1024 * 1024,
    );
    return stdout.split("\0").filter((path) => path !== "");
  } catch (error) {
    throw refused(field, given, cwd, (await outsideGit(cwd)) ?? gitReason(error));
  }
}

/** Git's reason when `cwd` is not in a repository (where `git diff` compares files, not commits); else nothing. */
async function outsideGit(cwd: string): Promise<string | undefined> {
  try {
    await run(cwd, ["rev-parse", "--git-dir"]);
    return undefined;
  } catch (error) {
    return gitReason(error);
  }
}

/** What git said went wrong: its `fatal:` line, else its first line, else the failure to run it. */
function gitReason(error: unknown): string {
  const lines = String((error as { stderr?: unknown }).stderr ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const fatal = lines.find((line) => line.startsWith("fatal:"));
  return fatal?.replace(/^fatal:\s*/, "") ?? lines[0] ?? (error as Error).message;
}

function refused(field: string, given: string, cwd: string, reason: string): ValidationError {
  return new ValidationError({
    message: `${field} "${given}" cannot be diffed in ${cwd}: ${reason} (give a ref or range of this repository, or the changed paths)`,
    issues: [{ path: field, message: reason }],
  });
}
