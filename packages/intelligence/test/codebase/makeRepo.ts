/**
 * Builds real git repositories in temp folders for the codebase import tests:
 * each commit writes (or deletes, with `null`) files as a given author.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** An author of commits. */
export interface RepoAuthor {
  readonly name: string;
  readonly email: string;
}

/** One commit: files to write (content) or delete (`null`), by an author, at a date. */
export interface RepoCommit {
  readonly author: RepoAuthor;
  readonly files: Readonly<Record<string, string | null>>;
  readonly message?: string;
  /** ISO date of the commit (default now). */
  readonly date?: string;
}

/** A repository made by {@link makeRepo}. */
export interface TestRepo {
  readonly root: string;
  /** Runs git in the repository and returns its trimmed output. */
  git(...args: string[]): string;
  /** Adds a commit and returns its hash. */
  commit(commit: RepoCommit): string;
  /** Deletes the folder. */
  remove(): void;
}

/** Creates a git repository in a temp folder with the given commits, oldest first. */
export function makeRepo(commits: readonly RepoCommit[], prefix = "factory-repo-"): TestRepo {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "commit.gpgsign=false", ...args], { cwd: root, encoding: "utf8" }).trim();
  git("init", "-q", "-b", "main");
  const repo: TestRepo = {
    root,
    git,
    commit(commit) {
      for (const [path, content] of Object.entries(commit.files)) {
        const file = join(root, path);
        if (content === null) {
          rmSync(file, { force: true });
          continue;
        }
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
      const date = commit.date ?? new Date().toISOString();
      execFileSync("git", ["add", "-A"], { cwd: root });
      execFileSync(
        "git",
        ["-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", commit.message ?? "change"],
        {
          cwd: root,
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: commit.author.name,
            GIT_AUTHOR_EMAIL: commit.author.email,
            GIT_AUTHOR_DATE: date,
            GIT_COMMITTER_NAME: commit.author.name,
            GIT_COMMITTER_EMAIL: commit.author.email,
            GIT_COMMITTER_DATE: date,
          },
        },
      );
      return git("rev-parse", "HEAD");
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  for (const commit of commits) repo.commit(commit);
  return repo;
}
