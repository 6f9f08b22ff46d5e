/**
 * Reading `git log -z --numstat`: each commit's header and the files it
 * changed, with their names exactly as they are (a tab, a line break, a quote
 * or `é` in a name is never quoted with `-z`).
 *
 * @module
 */

/** One file a commit changed. */
export interface NumstatChange {
  /** Its path (for a rename or copy, the new one). */
  readonly path: string;
  /** Lines added; 0 for a binary file (`-`). */
  readonly added: number;
  /** Lines deleted; 0 for a binary file (`-`). */
  readonly deleted: number;
}

/** One commit: its header as the log's format wrote it, and what it changed. */
export interface NumstatCommit {
  /** The format's text after its leading `%x1e`. */
  readonly header: string;
  /** The files it changed, in the log's order. */
  readonly changes: NumstatChange[];
}

/** A record of the numstat block: added, deleted (`-` for a binary file), then the path, empty for a rename. */
const STAT = /^(\d+|-)\t(\d+|-)\t([\s\S]*)$/;

/**
 * The commits of the output of `git log -z --numstat --format=%x1e<fields>`.
 * With `-z` each header and each record ends in NUL, the records of a commit
 * start after a line break, and a record is `added\tdeleted\tpath`, or for a
 * rename or copy `added\tdeleted\t` followed by the old and the new path, each
 * ending in NUL; a rename counts for its new path.
 */
export function parseNumstatLog(output: string): NumstatCommit[] {
  const commits: NumstatCommit[] = [];
  const tokens = output.split("\0");
  for (let index = 0; index < tokens.length; index++) {
    const token = (tokens[index] ?? "").replace(/^\n/, "");
    if (token.startsWith("\x1e")) {
      commits.push({ header: token.slice(1), changes: [] });
      continue;
    }
    const stat = STAT.exec(token);
    const commit = commits.at(-1);
    if (stat === null || commit === undefined) continue;
    let path = stat[3] ?? "";
    if (path === "") {
      index += 2;
      path = tokens[index] ?? "";
    }
    commit.changes.push({ path, added: lineCount(stat[1]), deleted: lineCount(stat[2]) });
  }
  return commits;
}

/** A numstat count: 0 for a binary file's `-`. */
function lineCount(count: string | undefined): number {
  return count === undefined || count === "-" ? 0 : Number.parseInt(count, 10);
}

/** One commit of `git log -z --name-status --format=%x1e%H`: its hash and the renames it made. */
export interface NameStatusCommit {
  /** The commit's hash. */
  readonly hash: string;
  /** Its renames and copies, old path then new path. */
  readonly renames: [from: string, to: string][];
}

/** A status of the name-status block: a letter, with a score for a rename or copy (`R087`). */
const STATUS = /^[A-Z][0-9]*$/;

/**
 * The commits of the output of `git log -z --name-status --format=%x1e%H`,
 * each with its renames (and copies). With `-z` each record ends in NUL: the
 * status, then its path, or the old and the new path for a rename or copy.
 */
export function parseNameStatusLog(output: string): NameStatusCommit[] {
  const commits: NameStatusCommit[] = [];
  const tokens = output.split("\0");
  for (let index = 0; index < tokens.length; index++) {
    const token = (tokens[index] ?? "").replace(/^\n/, "");
    if (token.startsWith("\x1e")) {
      commits.push({ hash: token.slice(1), renames: [] });
      continue;
    }
    if (!STATUS.test(token)) continue;
    if (token.startsWith("R") || token.startsWith("C")) {
      commits.at(-1)?.renames.push([tokens[index + 1] ?? "", tokens[index + 2] ?? ""]);
      index += 2;
    } else index += 1;
  }
  return commits;
}
