/**
 * The files of a repository as the scanners see them: what git tracks (plus
 * untracked files it does not ignore), or, outside git, a walk that skips
 * dependency and build folders; and which proposed line a file belongs to.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { ProposedLine } from "../proposal.js";

/** The files of a repository and the commit they were read at. */
export interface RepoFiles {
  /** Absolute path of the repository root. */
  readonly root: string;
  /** Repository-relative paths with POSIX separators, sorted. */
  readonly files: readonly string[];
  /** HEAD commit, when the root is a git repository with at least one commit. */
  readonly commit?: string;
}

/** Folders never scanned outside git: dependencies, build outputs, caches. */
const SKIPPED_FOLDERS = new Set([
  "node_modules",
  "dist",
  "build",
  "target",
  "vendor",
  "coverage",
  "__pycache__",
  ".venv",
  "venv",
]);

function git(root: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync("git", [...args], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith(".") && entry.name !== ".github" && entry.name !== ".gitlab") continue;
    const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(root, path, out);
    } else if (entry.isFile()) out.push(path);
  }
}

/**
 * Lists a repository's files: `git ls-files --cached --others --exclude-standard`
 * in a git work tree (deleted files left out), else a walk of the folder.
 */
export async function listRepoFiles(root: string): Promise<RepoFiles> {
  const listed = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"]);
  if (listed === undefined) {
    const files: string[] = [];
    await walk(root, "", files);
    return { root, files: files.sort() };
  }
  const deleted = new Set((git(root, ["ls-files", "-z", "--deleted"]) ?? "").split("\0"));
  const files = [...new Set(listed.split("\0"))].filter((file) => file !== "" && !deleted.has(file)).sort();
  const head = git(root, ["rev-parse", "--verify", "-q", "HEAD"])?.trim();
  return head === undefined || head === "" ? { root, files } : { root, files, commit: head };
}

/** The proposed line whose root contains a file (the deepest one), if any; a root of `.` contains every file. */
export function lineOfFile(lines: readonly ProposedLine[], file: string): ProposedLine | undefined {
  let best: ProposedLine | undefined;
  for (const line of lines) {
    const inside = line.root === "." || file === line.root || file.startsWith(`${line.root}/`);
    if (inside && (best === undefined || best.root === "." || line.root.length > best.root.length))
      best = line;
  }
  return best;
}
