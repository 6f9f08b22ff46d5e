/**
 * Saving a set of index files as one generation, committed by a manifest: the
 * files of a save get names of their own, are flushed to the disk, and only
 * then does a manifest naming them (with their sizes and SHA-256) replace the
 * previous one in a single rename. A crash at any point leaves the previous
 * generation committed, or the new one; a reader trusts only files the
 * manifest names and that match it.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { replaceFile, replaceFileSync } from "@software-factory/core";
import { z } from "zod";
import { type FileSteps, step } from "../internal/fileSteps.js";

/** Names the format of a manifest, so a file of another kind or version is never read as one. */
const FORMAT = "software-factory/index-generation";

/** How a manifest begins: its format, then its generation number (read without parsing the rest). */
const MANIFEST_START = new RegExp(`^\\{"format":"${FORMAT.replace("/", "\\/")}","generation":(\\d+),`);

/** A file of a generation as its manifest records it. */
const GenerationFileSchema = z.object({
  name: z
    .string()
    .regex(/^[^/\\]+$/, { error: "must be a file name in the manifest's folder, without a path" }),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "must be 64 lowercase hex digits" }),
});

/** A manifest: its format, the generation it commits and that generation's files, beside what the index keeps in it. */
const ManifestSchema = z.looseObject({
  format: z.literal(FORMAT),
  generation: z.number().int().nonnegative(),
  files: z.array(GenerationFileSchema),
});

/** A file of a generation: how the index writes it, in the calling thread and off it. */
export interface GenerationFile {
  /** Writes the file at `path` in the calling thread. */
  writeSync(path: string): void;
  /** Writes the file at `path` off the calling thread. */
  write(path: string): Promise<void>;
}

/** A committed generation as read back and checked. */
export interface CommittedGeneration {
  /** The manifest's fields besides the format, generation and files (what the index saved in it). */
  readonly content: Record<string, unknown>;
  /** Paths of the generation's files, in the order they were committed; each matched its size and checksum. */
  readonly files: readonly string[];
}

/** Path of the manifest of the index saved at `path`. */
export function manifestPath(path: string): string {
  return `${path}.json`;
}

/**
 * The number of the generation the manifest of `path` commits, read from its
 * start (where the manifest keeps it, before the index's content), or -1 when
 * there is none.
 */
function committedNumber(path: string): number {
  let descriptor: number;
  try {
    descriptor = openSync(manifestPath(path), "r");
  } catch {
    return -1;
  }
  try {
    const start = Buffer.alloc(256);
    const read = readSync(descriptor, start);
    const match = MANIFEST_START.exec(start.subarray(0, read).toString("utf8"));
    return match === null ? -1 : Number(match[1]);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Saves `files` as a new generation of the index at `path`: writes each under
 * a name of its own (`<path>.g<generation>-<pid>-<random>.<n>`) and flushes it, records their sizes and checksums with
 * `content` (whose keys must not be `format`, `generation` or `files`) in a
 * manifest, and renames it over the previous one (the single point where the
 * save takes effect); then removes the files of older generations that no
 * running save may still commit. When a step fails, the generation's files
 * are removed and the previous generation stays committed. The steps run
 * in the calling thread (`runSync`) or off it (`runInSteps`).
 *
 * @throws whatever writing, flushing or renaming throws (the disk is full, the folder is not writable).
 */
export function* saveGeneration(
  path: string,
  files: readonly GenerationFile[],
  content: Record<string, unknown>,
): FileSteps<void> {
  const number = committedNumber(path) + 1;
  // Names of this save's own, so concurrent saves (other processes, another index in this one) never write one file.
  const stem = `${path}.g${number}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const written: string[] = [];
  try {
    const recorded: z.input<typeof GenerationFileSchema>[] = [];
    for (const [index, file] of files.entries()) {
      const name = `${stem}.${index}`;
      written.push(name);
      yield* step(
        () => file.writeSync(name),
        () => file.write(name),
      );
      const digest = yield* step(
        () => digestOf(name, true),
        () => flushedDigestInSteps(name),
      );
      recorded.push({ name: basename(name), ...digest });
    }
    const manifest = JSON.stringify({
      format: FORMAT,
      generation: number,
      files: recorded,
      ...content,
    });
    const options = { temporary: `${stem}.manifest` };
    yield* step(
      () => replaceFileSync(manifestPath(path), manifest, options),
      () => replaceFile(manifestPath(path), manifest, options),
    );
  } catch (error) {
    for (const file of written) rmSync(file, { force: true });
    throw error;
  }
  removeStaleFiles(path, new Set(written.map((file) => basename(file))));
}

/**
 * Reads the committed generation of the index at `path`: `undefined` when
 * there is no manifest, it is not one of this format, or a file it names is
 * missing or differs from it in size or checksum (a damaged save: rebuild).
 */
export function readCommittedGeneration(path: string): CommittedGeneration | undefined {
  let manifest: z.output<typeof ManifestSchema>;
  try {
    manifest = ManifestSchema.parse(JSON.parse(readFileSync(manifestPath(path), "utf8")));
  } catch {
    return undefined;
  }
  const folder = dirname(path);
  const files: string[] = [];
  for (const recorded of manifest.files) {
    // Only files of a generation of this index, beside the manifest.
    if (!recorded.name.startsWith(`${basename(path)}.g`)) return undefined;
    const file = join(folder, recorded.name);
    try {
      if (statSync(file).size !== recorded.bytes) return undefined;
      if (digestOf(file).sha256 !== recorded.sha256) return undefined;
    } catch {
      return undefined;
    }
    files.push(file);
  }
  const { format: _format, generation: _generation, files: _files, ...content } = manifest;
  return { content, files };
}

/** Size and SHA-256 of a file, read a megabyte at a time; with `flush`, its data is first flushed to the disk. */
function digestOf(file: string, flush = false): { bytes: number; sha256: string } {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 20);
  const descriptor = openSync(file, "r");
  let bytes = 0;
  try {
    if (flush) fsyncSync(descriptor);
    for (let read = readSync(descriptor, buffer); read > 0; read = readSync(descriptor, buffer)) {
      hash.update(buffer.subarray(0, read));
      bytes += read;
    }
  } finally {
    closeSync(descriptor);
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** As {@link digestOf} with `flush`, off the calling thread. */
async function flushedDigestInSteps(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 20);
  const handle = await open(file, "r");
  let bytes = 0;
  try {
    await handle.sync();
    for (
      let { bytesRead } = await handle.read(buffer);
      bytesRead > 0;
      { bytesRead } = await handle.read(buffer)
    ) {
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { bytes, sha256: hash.digest("hex") };
}

/**
 * Removes the files beside the manifest of `path` that no save will commit:
 * other generations' files written by this process or by a process that is
 * no longer running (a save killed before its commit leaves such files), and
 * the files of the layout before generations (`<path>`, `<path>.<n>`, and
 * temporary files of processes gone). Files of a running process's save stay:
 * it may be about to commit them. Files that cannot be removed stay too.
 */
function removeStaleFiles(path: string, committed: ReadonlySet<string>): void {
  const name = basename(path);
  const folder = dirname(path);
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (committed.has(entry) || !isStale(name, entry)) continue;
    rmSync(join(folder, entry), { force: true });
  }
}

/** Whether `entry` is a file of the index `name` that no save will commit. */
function isStale(name: string, entry: string): boolean {
  if (entry === name) return true;
  if (!entry.startsWith(`${name}.`)) return false;
  const rest = entry.slice(name.length + 1);
  if (/^\d+$/.test(rest)) return true;
  const owner = /^g\d+-(\d+)-[0-9a-f]+\./.exec(rest) ?? /^(\d+)\.tmp(?:\.\d+|\.json)?$/.exec(rest);
  if (owner === null) return false;
  const pid = Number(owner[1]);
  return pid === process.pid || !isRunning(pid);
}

/** Whether a process with this id is running (one of another user counts as running): a file named after one that is not was left by a killed save. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
