/**
 * How `factory migrate` writes its target so that Ctrl-C (SIGTERM, SIGHUP) or a failure leaves
 * nothing half-done: a SQLite file is written whole beside the target and
 * renamed into place, a PostgreSQL schema interrupted part-way is resumed by
 * the same command.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type EventStore, type MigrationReport, migrateLog, StoreError } from "@software-factory/core";
import { InterruptedError } from "../exitCodes.js";
import { isPostgresStore, redactStore } from "../flags.js";
import type { InterruptSignal } from "../interruption.js";
import { counted } from "../plural.js";
import { openStore } from "../Session.js";

/** Called after each page with the events the target holds and the total to copy. */
type OnProgress = (copied: number, total: number) => void;

/**
 * Copies `source`'s log (read from `from`) into the store `to` names (see
 * `migrateLog`), stopping after the page under way with an
 * {@link InterruptedError} (exit 130, 143 or 129) once `interrupted` names the
 * signal that came (SIGINT for Ctrl-C, SIGTERM, SIGHUP; the messages name
 * it); before the copy began, it says that nothing was written.
 *
 * - A SQLite file: written as `.<name>.migrating-<pid>-<hex>` beside it,
 *   verified, then renamed into place, so the target appears whole or not at
 *   all; a failure or a signal removes the temporary file (`interrupted
 *   (SIGINT): the copy was cancelled at 40,000 of 150,004 events; nothing was
 *   written to backup.db`). A file that already holds events is refused.
 * - PostgreSQL: each page is appended whole, so an interrupted copy leaves an
 *   exact prefix of the log, marked as unfinished (no other command opens it)
 *   (`interrupted (SIGINT): copied 96,000 of 150,004
 *   events into postgres://...; run the same command again to finish`), which
 *   the same command resumes after checking it (same count and hash of the
 *   events held). A target holding anything else is refused, naming it.
 *
 * @throws StoreError when the target holds events it cannot resume from, or verification fails.
 * @throws InterruptedError on Ctrl-C (SIGTERM, SIGHUP) before the copy is complete.
 */
export async function migrateInto(
  source: EventStore,
  from: string,
  to: string,
  onProgress: OnProgress,
  interrupted: () => InterruptSignal | undefined,
): Promise<MigrationReport> {
  const early = interrupted();
  if (early !== undefined)
    throw new InterruptedError(
      `interrupted (${early}) before the copy began: nothing was written to ${redactStore(to)}`,
      { signal: early },
    );
  const copy: Copy = async (target, told) => {
    // Stopped while the target opened: nothing copied yet.
    const opening = interrupted();
    if (opening !== undefined)
      throw new InterruptedError(told(opening, 0, await source.head()), { signal: opening });
    return migrateLog(source, target, {
      sourceName: redactStore(from),
      targetName: redactStore(to),
      onProgress: (copied, total) => {
        onProgress(copied, total);
        const signal = interrupted();
        if (signal !== undefined && copied < total)
          throw new InterruptedError(told(signal, copied, total), { signal });
      },
    });
  };
  return isPostgresStore(to) ? intoPostgres(to, copy) : intoNewFile(to, copy);
}

/** Copies the log into `target`, ending with an {@link InterruptedError} saying `told` on Ctrl-C. */
type Copy = (
  target: EventStore,
  told: (signal: InterruptSignal, copied: number, total: number) => string,
) => Promise<MigrationReport>;

/**
 * Copies into a PostgreSQL schema, resuming a copy that stopped part-way. The
 * schema is marked as an unfinished copy from before its first event until
 * the copy is verified, so no other command opens it half-copied.
 */
async function intoPostgres(to: string, copy: Copy): Promise<MigrationReport> {
  const target = await openStore(to, "--to", true);
  let report: MigrationReport;
  try {
    report = await copy(
      target,
      (signal, copied, total) =>
        `interrupted (${signal}): copied ${amount(copied)} of ${amount(total)} events into ${redactStore(to)}; run the same command again to finish`,
    );
  } finally {
    await target.close();
  }
  const { finishPostgresCopy } = await import("@software-factory/core/postgres");
  await finishPostgresCopy({ url: to });
  return report;
}

/** Copies into a temporary SQLite file beside `to`, renamed to `to` once verified, removed otherwise. */
async function intoNewFile(to: string, copy: Copy): Promise<MigrationReport> {
  await refuseHeldFile(to);
  const temporary = join(
    dirname(to),
    `.${basename(to)}.migrating-${process.pid}-${randomBytes(4).toString("hex")}`,
  );
  try {
    const target = await openStore(temporary, "--to");
    let report: MigrationReport;
    try {
      report = await copy(
        target,
        (signal, copied, total) =>
          `interrupted (${signal}): the copy was cancelled at ${amount(copied)} of ${amount(total)} events; nothing was written to ${to}`,
      );
    } finally {
      await target.close();
    }
    renameSync(temporary, to);
    return report;
  } finally {
    for (const file of [temporary, `${temporary}-wal`, `${temporary}-shm`]) rmSync(file, { force: true });
  }
}

/** Refuses a SQLite target that exists and holds events (an empty one, made by `touch`, is replaced). */
async function refuseHeldFile(to: string): Promise<void> {
  if (!existsSync(to)) return;
  const target = await openStore(to, "--to");
  try {
    const held = await target.head();
    if (held > 0)
      throw new StoreError({
        message: `${to} already holds ${counted(held, "event")}; factory migrate copies into a new SQLite file only (name another file, or remove this one)`,
      });
  } finally {
    await target.close();
  }
}

/** A count with thousands separators: `150,004`. */
function amount(count: number): string {
  return count.toLocaleString("en-US");
}
