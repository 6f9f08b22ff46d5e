/**
 * Running git in a repository nobody vetted: a repository's own
 * configuration (`.git/config`, `.gitattributes`, `.git/info/attributes`)
 * can name commands git runs while it only reads, and an imported
 * repository, an extracted archive or a CI checkout is not to be trusted
 * with the importing process's rights. Every package that spawns git builds
 * the call with {@link untrustedGit}.
 *
 * @module
 */
import { execFileSync } from "node:child_process";

/** What to spawn for one git command: the program, its arguments, and the options to spawn it with. */
export interface GitInvocation {
  /** Always `git`. */
  readonly file: "git";
  /** The arguments, with the neutralising ones in front of (and after) the subcommand. */
  readonly args: string[];
  /** The folder git runs in and its environment; spread into the spawn's options. */
  readonly options: GitSpawnOptions;
}

/** The spawn options of a {@link GitInvocation}. */
export interface GitSpawnOptions {
  /** The folder git runs in. */
  readonly cwd: string;
  /** This process's environment, with the variables that turn off transports, prompts, optional locks and the pager. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Settings given on git's command line, which outrank a repository's own:
 * no file-system monitor (`core.fsmonitor` is a command `ls-files`,
 * `status` and `diff` run), no hooks (`core.hooksPath`; an index written by
 * `diff` would run `post-index-change`), no pager, no signature checks
 * (`log.showSignature` runs `gpg.program`), and no transport at all (a
 * partial clone fetches a missing object lazily, running
 * `remote.<name>.uploadpack`, `core.sshCommand` or an `ext::` command).
 */
const SETTINGS = [
  "core.fsmonitor=false",
  "core.hooksPath=/dev/null",
  "core.pager=cat",
  "log.showSignature=false",
  "protocol.allow=never",
] as const;

/** Subcommands that can make patches: external diff drivers and textconv filters are turned off for them. */
const DIFFING = new Set(["log", "diff", "show", "diff-tree", "diff-index", "diff-files"]);

/** Subcommands that may hash files of the work tree, running the `clean` filter of their attributes. */
const HASHING_WORK_TREE = new Set(["diff", "diff-index", "diff-files", "status"]);

/** Global options of git that take the next argument as their value. */
const TAKES_VALUE = new Set(["-c", "-C", "--git-dir", "--work-tree", "--namespace", "--exec-path"]);

/** The index of the subcommand in git's arguments (after the global options), or -1. */
function subcommandAt(args: readonly string[]): number {
  for (let at = 0; at < args.length; at += 1) {
    const arg = args[at] as string;
    if (TAKES_VALUE.has(arg)) at += 1;
    else if (!arg.startsWith("-")) return at;
  }
  return -1;
}

/**
 * `filter.<driver>.clean|smudge|process` emptied for every driver the
 * repository's configuration defines, so hashing a file of the work tree
 * runs no command (`required` off, so an emptied filter is not an error).
 * None when git cannot read the configuration.
 */
function filterSettings(cwd: string, env: NodeJS.ProcessEnv): string[] {
  let listed: string;
  try {
    listed = execFileSync(
      "git",
      [
        ...SETTINGS.flatMap((setting) => ["-c", setting]),
        "config",
        "-z",
        "--name-only",
        "--get-regexp",
        "^filter\\.",
      ],
      { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    );
  } catch {
    return [];
  }
  const drivers = new Set(
    listed
      .split("\0")
      .map((key) => /^filter\.(.+)\.[^.]+$/s.exec(key)?.[1])
      .filter((driver): driver is string => driver !== undefined),
  );
  return [...drivers].flatMap((driver) =>
    ["clean=", "smudge=", "process=", "required=false"].map((setting) => `filter.${driver}.${setting}`),
  );
}

/**
 * Builds a git call that runs none of the commands a repository's own
 * configuration or attributes name, for a repository the user did not vet.
 *
 * On git's command line: `--no-pager`, `-c` for each of `core.fsmonitor=false`,
 * `core.hooksPath=/dev/null`, `core.pager=cat`, `log.showSignature=false`,
 * `protocol.allow=never`; for `diff`, `status` and their plumbing, every
 * `filter.<driver>` of the repository emptied (read with `git config`, which
 * runs nothing). After a subcommand that diffs (`log`, `diff`, `show`,
 * `diff-*`): `--no-ext-diff --no-textconv`. In the environment:
 * `GIT_ALLOW_PROTOCOL` empty and `GIT_NO_LAZY_FETCH=1` (no transport, so no
 * `uploadpack`, `core.sshCommand` or `ext::` command, even for a partial
 * clone's lazy fetch), `GIT_TERMINAL_PROMPT=0`, `GIT_OPTIONAL_LOCKS=0`,
 * `GIT_PAGER=cat`. Settings given with `-c` reach the git processes git
 * starts itself (a submodule's) too.
 *
 * @param cwd The folder git runs in.
 * @param args git's arguments, global options (`-c`, `-C`, `--literal-pathspecs`) first, then the subcommand and its own.
 * @example
 * ```ts
 * const git = untrustedGit(repo, ["ls-files", "-z", "--others", "--exclude-standard"]);
 * const listed = execFileSync(git.file, git.args, { ...git.options, encoding: "utf8" });
 * ```
 */
export function untrustedGit(cwd: string, args: readonly string[]): GitInvocation {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_ALLOW_PROTOCOL: "",
    GIT_NO_LAZY_FETCH: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_PAGER: "cat",
  };
  const at = subcommandAt(args);
  const subcommand = at === -1 ? "" : (args[at] as string);
  const settings = [...SETTINGS, ...(HASHING_WORK_TREE.has(subcommand) ? filterSettings(cwd, env) : [])];
  const front = ["--no-pager", ...settings.flatMap((setting) => ["-c", setting])];
  const command =
    at !== -1 && DIFFING.has(subcommand)
      ? [...args.slice(0, at + 1), "--no-ext-diff", "--no-textconv", ...args.slice(at + 1)]
      : [...args];
  return { file: "git", args: [...front, ...command], options: { cwd, env } };
}
