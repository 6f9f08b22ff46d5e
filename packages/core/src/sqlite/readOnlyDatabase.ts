/**
 * Opening a factory's SQLite file for reading only: when this process may
 * not write the file or its folder (a CI artifact, another user's folder, a
 * read-only mount), or was asked to write nothing.
 *
 * A WAL-mode database is read through its `-wal` and `-shm` files, and SQLite
 * creates them when they are missing: a read-only folder forbids that, and a
 * folder that must stay as it is should not get them. So when both files are
 * there (a writer has the file open, or one stopped without closing it), a
 * read-only connection reads through them, seeing every commit, and keeps
 * its index of the `-wal` in memory when it may not write the `-shm`. When
 * there is no `-wal` (or an empty one), every commit is in the file itself,
 * which is read into memory as it is when opened: nothing is created.
 *
 * @module
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/** Why a store is read-only, and the file or folder that makes it so. */
export interface ReadOnlyReason {
  /** The folder or file that cannot be written (the database file when the store was asked to be read-only). */
  readonly path: string;
  /** Why, in words: `the folder /x is read-only for this process (permission denied)`. */
  readonly why: string;
}

/** Why this process may not write `target`, or undefined when it may (or the check failed otherwise: it is missing). */
function deniedWrite(target: string, what: string): ReadOnlyReason | undefined {
  try {
    accessSync(target, constants.W_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EROFS"
        ? "a read-only file system"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : undefined;
    return reason === undefined
      ? undefined
      : { path: target, why: `${what} ${target} is read-only for this process (${reason})` };
  }
}

/**
 * Why this process may not write the database file at `path` or its folder
 * (the folder when the file does not exist yet), or undefined when it may.
 */
export function whyNotWritable(path: string): ReadOnlyReason | undefined {
  // An in-memory database (":memory:", "") has neither file nor folder.
  if (path.trim() === "" || path.trim() === ":memory:") return undefined;
  const folder = deniedWrite(dirname(path), "the folder");
  return folder ?? (existsSync(path) ? deniedWrite(path, "the file") : undefined);
}

/** Whether both files through which SQLite reads a WAL-mode database that a writer has open are there. */
function hasWalFiles(path: string): boolean {
  return existsSync(`${path}-wal`) && existsSync(`${path}-shm`);
}

/**
 * Opens the database file at `path` for reading only, creating no file
 * beside it (see the module's summary).
 *
 * @throws Error saying what is wrong when the file does not exist, or it has
 * commits in a `-wal` that cannot be read without the missing `-shm`.
 */
export function openReadOnlyDatabase(path: string): Database.Database {
  if (!existsSync(path)) throw new Error("there is no such file, and a store opened read-only creates none");
  if (hasWalFiles(path)) return new Database(path, { readonly: true, fileMustExist: true });
  const wal = `${path}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0)
    throw new Error(
      `${wal} holds commits not yet in the file, and without ${path}-shm beside it they cannot be read from a folder this process may not write; copy the whole folder somewhere writable and open it there`,
    );
  const image = readFileSync(path);
  // A writer that opened the file meanwhile may be checkpointing into it: read it through its files.
  if (hasWalFiles(path)) return new Database(path, { readonly: true, fileMustExist: true });
  // The header of a WAL-mode file (bytes 18 and 19 are 2) would send SQLite looking for the -wal:
  // in memory the image is read as a rollback-journal file, which it is, every commit being in it.
  if (image.length >= 20 && image[18] === 2 && image[19] === 2) {
    image[18] = 1;
    image[19] = 1;
  }
  return new Database(image, { readonly: true });
}
