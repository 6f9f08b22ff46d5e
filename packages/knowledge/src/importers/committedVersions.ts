/**
 * The versions of a file its git repository has committed: what proves that
 * a document imported before holds this file's text.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { basename, dirname } from "node:path";
import { untrustedGit } from "@software-factory/core";

/** The most bytes read back from git for one file's history. */
const MAX_HISTORY_BYTES = 256 * 1024 * 1024;

/**
 * The contents of every version of `file` committed to the git repository
 * holding it, on any branch, following renames (`git log --follow`): newest
 * first, each version once. Empty when the file is in no repository, was never
 * committed, or git cannot be run.
 */
export function committedVersions(file: string): Buffer[] {
  const git = (args: readonly string[], input?: string): Buffer => {
    const call = untrustedGit(dirname(file), ["--literal-pathspecs", ...args]);
    return execFileSync(call.file, call.args, {
      ...call.options,
      stdio: ["pipe", "pipe", "ignore"],
      maxBuffer: MAX_HISTORY_BYTES,
      ...(input === undefined ? {} : { input }),
    });
  };
  try {
    const log = git(["log", "--all", "--follow", "--format=", "--raw", "--no-abbrev", "--", basename(file)]);
    const blobs = [...log.toString("utf8").matchAll(/^:\d+ \d+ [0-9a-f]+ ([0-9a-f]+) /gm)]
      .map((match) => match[1] as string)
      .filter((blob) => !/^0+$/.test(blob));
    const unique = [...new Set(blobs)];
    return unique.length === 0 ? [] : readBlobs(git(["cat-file", "--batch"], `${unique.join("\n")}\n`));
  } catch {
    return [];
  }
}

/** The contents in the output of `git cat-file --batch`: for each object a `<id> <type> <size>` line, its bytes, a newline. */
function readBlobs(batch: Buffer): Buffer[] {
  const blobs: Buffer[] = [];
  let at = 0;
  while (at < batch.length) {
    const end = batch.indexOf(0x0a, at);
    if (end === -1) break;
    const header = /^[0-9a-f]+ blob (\d+)$/.exec(batch.toString("utf8", at, end));
    if (header === null) break;
    const size = Number(header[1]);
    blobs.push(batch.subarray(end + 1, end + 1 + size));
    at = end + 1 + size + 1;
  }
  return blobs;
}
