/**
 * Writes that survive a crash or a power loss: data flushed to the disk
 * before the rename that makes it visible, and the rename flushed with its
 * folder.
 *
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from "node:fs";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/** Flushes a written file's data to the disk. */
export function syncFile(path: string): void {
  const descriptor = openSync(path, "r");
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Flushes a folder's entries (a rename into it) to the disk. Systems that
 * cannot open a folder (Windows) keep renames in their journal: nothing to do.
 */
export function syncFolder(path: string): void {
  let descriptor: number;
  try {
    descriptor = openSync(path, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(descriptor);
  } catch {
    // Some systems refuse to flush a folder opened for reading; their renames are journaled.
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Replaces `path` with `data` in one step: written to `temporary` and
 * flushed, renamed over `path`, and the rename flushed. A crash leaves the
 * old file or the new one, never a part of either.
 */
export function replaceFileDurably(path: string, temporary: string, data: string | Uint8Array): void {
  writeFileSync(temporary, data);
  syncFile(temporary);
  renameSync(temporary, path);
  syncFolder(dirname(path));
}

/**
 * As {@link replaceFileDurably}, with every write, flush and rename done off
 * the calling thread: `write` writes the data into the open temporary file
 * (the event loop turns between its writes). On failure the temporary file
 * is removed and `path` is left as it was.
 */
export async function replaceFileDurablyInSteps(
  path: string,
  temporary: string,
  write: (file: FileHandle) => Promise<void>,
): Promise<void> {
  try {
    const file = await open(temporary, "w");
    try {
      await write(file);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolderInSteps(dirname(path));
}

/**
 * As {@link replaceFileDurablyInSteps}, writing parts as they come (the
 * source may compute each on demand), each as a frame: its byte length (4
 * bytes, little-endian) then its bytes, for {@link framesOf} to read back.
 */
export function replaceFileWithFrames(
  path: string,
  temporary: string,
  parts: Iterable<Uint8Array>,
): Promise<void> {
  return replaceFileDurablyInSteps(path, temporary, async (file) => {
    for (const part of parts) {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(part.byteLength);
      await file.writev([length, part]);
    }
  });
}

/** Flushes a written file's data to the disk, off the calling thread. */
export async function syncFileInSteps(path: string): Promise<void> {
  const file = await open(path, "r");
  try {
    await file.sync();
  } finally {
    await file.close();
  }
}

/** The parts of a file written by {@link replaceFileWithFrames}, as views of `data`. */
export function* framesOf(data: Uint8Array): Generator<Uint8Array> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at < data.byteLength; ) {
    if (at + 4 > data.byteLength) throw new RangeError(`a frame's length is cut short at byte ${at}`);
    const length = view.getUint32(at, true);
    if (at + 4 + length > data.byteLength) throw new RangeError(`the frame at byte ${at} is cut short`);
    yield data.subarray(at + 4, at + 4 + length);
    at += 4 + length;
  }
}

/** As {@link syncFolder}, off the calling thread. */
async function syncFolderInSteps(path: string): Promise<void> {
  let folder: FileHandle;
  try {
    folder = await open(path, "r");
  } catch {
    return;
  }
  try {
    await folder.sync();
  } catch {
    // Some systems refuse to flush a folder opened for reading; their renames are journaled.
  } finally {
    await folder.close();
  }
}
