/**
 * The files of a repository as the scanners see them: what git tracks (plus
 * untracked files it does not ignore), or, outside git, a walk that skips
 * dependency and build folders; and which proposed line a file belongs to.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { type Dirent, lstatSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { untrustedGit } from "@software-factory/core";
import type { ProposedLine } from "../proposal.js";
import type { ScanProblem } from "../scanCodebase.js";
import { unreadableProblem } from "./internal/unreadable.js";

/** The files of a repository and the commit they were read at. */
export interface RepoFiles {
  /** Absolute path of the repository root. */
  readonly root: string;
  /** Repository-relative paths with POSIX separators, sorted. */
  readonly files: readonly string[];
  /** HEAD commit, when the root is a git repository with at least one commit. */
  readonly commit?: string;
  /**
   * Files and folders the scan skipped, and why: a name that is not UTF-8, a
   * folder or file it may not read. The scanners add the files they could not read.
   */
  readonly problems?: ScanProblem[];
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

function git(root: string, args: readonly string[]): Buffer | undefined {
  try {
    const git = untrustedGit(root, args);
    return execFileSync(git.file, git.args, {
      ...git.options,
      encoding: "buffer",
      maxBuffer: 512 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

/** UTF-8 decoding that refuses bytes that are not UTF-8, rather than making them U+FFFD. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** A name read as bytes: its text, or undefined when it is not UTF-8. */
function utf8Name(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A name that is not UTF-8, shown with each byte that is not part of a UTF-8 character as `\xNN`. */
function escapedName(bytes: Buffer): string {
  let shown = "";
  for (let at = 0; at < bytes.length; ) {
    const lead = bytes[at] as number;
    const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
    const character = length === 0 ? undefined : utf8Name(bytes.subarray(at, at + length));
    if (character === undefined) {
      shown += `\\x${lead.toString(16).padStart(2, "0")}`;
      at += 1;
    } else {
      shown += character;
      at += length;
    }
  }
  return shown;
}

/** The problem of a file whose name is not UTF-8, shown escaped. */
function notUtf8Name(path: string): ScanProblem {
  return {
    file: path,
    message: "skipped: its name is not UTF-8 text, which the factory keeps paths as; rename it to import it",
  };
}

async function walk(root: string, relative: string, out: string[], problems: ScanProblem[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(root, relative), { withFileTypes: true });
  } catch (error) {
    problems.push(unreadableProblem(relative, error, "folder"));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".") && entry.name !== ".github" && entry.name !== ".gitlab") continue;
    const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
    // Node reads a name that is not UTF-8 with U+FFFD in place of its bytes: no file has that name.
    if (
      entry.name.includes("\uFFFD") &&
      lstatSync(join(root, path), { throwIfNoEntry: false }) === undefined
    ) {
      const bytes = (await readdir(join(root, relative), { encoding: "buffer" })).find(
        (name) => name.toString("utf8") === entry.name,
      );
      problems.push(
        notUtf8Name(
          bytes === undefined ? path : `${relative === "" ? "" : `${relative}/`}${escapedName(bytes)}`,
        ),
      );
      continue;
    }
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) await walk(root, path, out, problems);
    } else if (entry.isFile()) out.push(path);
  }
}

/**
 * Lists a repository's files: `git ls-files --cached --others --exclude-standard`
 * in a git work tree (deleted files left out), else a walk of the folder.
 */
export async function listRepoFiles(root: string): Promise<RepoFiles> {
  const problems: ScanProblem[] = [];
  const listed = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"]);
  if (listed === undefined) {
    const files: string[] = [];
    await walk(root, "", files, problems);
    return { root, files: files.sort(), problems };
  }
  const deleted = new Set(
    (git(root, ["ls-files", "-z", "--deleted"]) ?? Buffer.alloc(0)).toString("utf8").split("\0"),
  );
  const names = new Set<string>();
  for (const bytes of splitNul(listed)) {
    const name = utf8Name(bytes);
    if (name === undefined) problems.push(notUtf8Name(escapedName(bytes)));
    else if (deleted.has(name)) {
      // Git takes a file it cannot stat (in a folder this process may not search) for deleted.
      const missing = gone(join(root, name));
      if (typeof missing === "object") problems.push(unreadableProblem(name, missing));
    } else if (name !== "") names.add(name);
  }
  const files = [...names].sort();
  const head = git(root, ["rev-parse", "--verify", "-q", "HEAD"])?.toString("utf8").trim();
  return head === undefined || head === ""
    ? { root, files, problems }
    : { root, files, commit: head, problems };
}

/** True when nothing is at `path`, else the error that stat met (`EACCES`), or false when there is a file. */
function gone(path: string): true | false | NodeJS.ErrnoException {
  try {
    lstatSync(path);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? true : (error as NodeJS.ErrnoException);
  }
}

/** The parts of NUL-separated bytes (git's `-z` output), the empty ones left out. */
function splitNul(bytes: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = bytes.indexOf(0, at);
    const stop = end === -1 ? bytes.length : end;
    if (stop > at) parts.push(bytes.subarray(at, stop));
    at = stop + 1;
  }
  return parts;
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
