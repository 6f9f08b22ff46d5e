/**
 * Writes that survive a crash or a power loss: data flushed to the disk
 * before the rename that makes it visible, and the rename flushed with its
 * folder.
 *
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from "node:fs";
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
