/**
 * Creating a factory with the first import into it: the import runs once, on a
 * new factory in a staging folder, and becomes the factory only when it
 * succeeded, so an import refused for its input leaves nothing behind.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { type EventStore, migrateLog } from "@software-factory/core";
import type { Factory } from "@software-factory/intelligence";
import { errorMessage } from "./errorMessage.js";
import { InterruptedError } from "./exitCodes.js";
import { FactoryFolderError, makeFactoryFolder } from "./factoryFolder.js";
import { redactStore } from "./flags.js";
import { interruptedExitCode, onInterrupt } from "./interruption.js";
import { findFactory, type GlobalOptions, openStore, withFactory } from "./Session.js";

/** The SQLite file a factory's folder keeps its log in, a staged factory's too. */
const FOLDER_LOG = "factory.db";

/** Events copied in one append when the staged log goes into another store: most first imports land in one batch, whole or not at all. */
const COPY_PAGE = 100_000;

/**
 * Runs `work` on the factory a command names and may create (see
 * {@link withFactory}). When that factory does not exist yet, `work` runs
 * once on a new factory in a staging folder named
 * `.<name>.importing-<pid>-<random>` (`.factory.importing-4242-9f86d081` for
 * `.factory`), which becomes the factory only if `work` succeeds:
 *
 * - the log in the folder (no `--store`) and no folder there yet: the staging
 *   folder sits beside it and is renamed into place once the factory is
 *   closed (one rename on one file system: the factory appears whole);
 * - a `--store` (PostgreSQL or a SQLite file): the log is copied into the
 *   store (`migrateLog`, positions and ids kept) once `work` succeeded, so a
 *   PostgreSQL schema is created only then; the caches left are renamed into
 *   place as above;
 * - a folder there without a factory: the staging folder is in the system's
 *   temporary folder, the log is copied into the folder's SQLite file (or the
 *   `--store`), and the caches are dropped (rebuilt from the log on open).
 *
 * Whatever `work` throws (what the SDK refuses: a malformed report, a work
 * item the new factory lacks) leaves nothing: the staging folder is removed,
 * and so it is on SIGINT (Ctrl-C), SIGTERM and SIGHUP, which then end the
 * command as the CLI's other interrupted commands do: `error: E_INTERRUPTED:
 * interrupted (SIGINT): the import was cancelled; nothing was created (no
 * factory at .factory)` on standard error (naming the signal), exit code 130
 * (143, 129). A process killed outright leaves its staging folder, which
 * holds nothing the factory needs.
 *
 * When another process creates the factory while `work` runs or its log is
 * copied (two first imports at once), the staged factory is dropped, nothing
 * of the other one is touched, and `work` runs on it, as it would have had
 * the command started a moment later. For work that writes only to the
 * factory (an import), since it may then run twice. `work` is told whether
 * its factory is the staged one (`staged`), which Ctrl-C removes.
 */
export async function withStagedFactory<T>(
  options: GlobalOptions,
  work: (factory: Factory, staged: boolean) => Promise<T>,
): Promise<T> {
  const into = (factory: Factory) => work(factory, false);
  if (options.create !== true || (await findFactory(options)).found) return withFactory(options, into);
  const target = resolve(options.dir);
  const fresh = !existsSync(target);
  const staging = makeStagingFolder(fresh ? nearestFolder(dirname(target)) : tmpdir(), target);
  const forget = removeOnSignal(staging, redactStore(options.store ?? options.dir));
  try {
    const result = await withFactory(
      { ...options, dir: staging, store: join(staging, FOLDER_LOG), create: true },
      (factory) => work(factory, true),
    );
    if (options.store === undefined && fresh && moveInto(staging, target)) return result;
    if (await copyLog(staging, options)) {
      if (fresh) keepCaches(staging, target);
      return result;
    }
  } finally {
    forget();
    rmSync(staging, { recursive: true, force: true });
  }
  return withFactory(options, into);
}

/**
 * A new, empty staging folder in `parent` for the factory at `target`, made
 * as `openFactory` makes a factory's folder (the mode the umask leaves, not
 * `mkdtemp`'s owner-only one), since it may become that folder.
 */
function makeStagingFolder(parent: string, target: string): string {
  const name = basename(target).replace(/^\./, "");
  const folder = join(parent, `.${name}.importing-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(folder);
  } catch (error) {
    // Told as the factory's folder, which the user named, not the staging folder.
    throw new FactoryFolderError(target, error);
  }
  return folder;
}

/** The folder itself, or the nearest of its parents that exists: the staging folder goes where the factory's would be made. */
function nearestFolder(folder: string): string {
  let at = folder;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}

/**
 * Renames the staged factory to `target`, making its missing parents first;
 * false when `target` was made meanwhile and is not an empty folder.
 */
function moveInto(staging: string, target: string): boolean {
  makeFactoryFolder(dirname(target), target);
  try {
    renameSync(staging, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Moves what is left of a staged factory whose log was copied into its store
 * (its caches, valid there as the copy keeps positions and ids) to `target`,
 * when `target` is still not there; else the caches are rebuilt from the log
 * when the factory is next opened.
 */
function keepCaches(staging: string, target: string): void {
  rmSync(join(staging, FOLDER_LOG), { force: true });
  try {
    moveInto(staging, target);
  } catch {
    // Only caches: the factory is whole without them.
  }
}

/**
 * Copies the staged log into the store the command names (`--store`, else the
 * folder's SQLite file); false, copying nothing, when that store already
 * holds events (another process created the factory meanwhile), or took
 * another's first while this copy was under way (two first imports at once:
 * the copy fails on the store's head, and writes nothing).
 *
 * Each page is appended at the head it expects, so positions 1 to the staged
 * head are this log's once the copy returns; `migrateLog`'s verification,
 * which also wants nothing after them, is left out, since the other first
 * import may by then be writing into this factory.
 */
async function copyLog(staging: string, options: GlobalOptions): Promise<boolean> {
  const from = await openStore(join(staging, FOLDER_LOG));
  try {
    const to = await openStore(options.store ?? join(resolve(options.dir), FOLDER_LOG), options.storeFlag);
    try {
      if ((await to.head()) > 0) return false;
      try {
        await migrateLog(from, to, { pageSize: COPY_PAGE, verify: false });
      } catch (error) {
        if (await startsWithAnotherLog(from, to)) return false;
        throw error;
      }
      return true;
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}

/** Whether `to`'s first event is not `from`'s: another process's log went in first. */
async function startsWithAnotherLog(from: EventStore, to: EventStore): Promise<boolean> {
  const [ours] = await from.read({ after: 0, limit: 1 });
  const [theirs] = await to.read({ after: 0, limit: 1 });
  return theirs !== undefined && theirs.id !== ours?.id;
}

/**
 * Removes `folder` if the process is interrupted (SIGINT, SIGTERM, SIGHUP),
 * says so, naming the signal and the factory not created (`where`), and
 * exits 130, 143 or 129. Returns the function that stops listening.
 */
function removeOnSignal(folder: string, where: string): () => void {
  return onInterrupt((signal) => {
    rmSync(folder, { recursive: true, force: true });
    const told = new InterruptedError(
      `interrupted (${signal}): the import was cancelled; nothing was created (no factory at ${where})`,
      { signal },
    );
    // A progress line on a terminal is cleared first, as the CLI does before any error.
    process.stderr.write(`${process.stderr.isTTY ? "\r\x1b[2K" : ""}error: ${errorMessage(told)}\n`);
    process.exit(interruptedExitCode(signal));
  });
}
