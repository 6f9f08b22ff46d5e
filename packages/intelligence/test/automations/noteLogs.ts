/**
 * Logs of notes for the automation runner's tests: SQLite files in temp
 * folders, the logs opened over them and what a test starts on them, closed
 * and removed after the test, the last made first.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, type EventLog, openEventLog, type StoredEvent } from "@software-factory/core";
import { afterEach } from "vitest";
import { NoteAdded } from "../fixtures/counting.js";

/** What {@link useNoteLogs} gives the tests of a file. */
export interface NoteLogs {
  /** A SQLite file in a new temp folder, removed after the test. */
  path(): string;
  /** A log of `note.added` events over the file at `path` (a new one if not given), on `clock` if given, closed after the test. */
  open(path?: string, clock?: Clock): Promise<EventLog>;
  /** Runs `cleanup` after the test, before the cleanups registered earlier. */
  defer(cleanup: () => Promise<void> | void): void;
}

/**
 * Registers an `afterEach` that runs the test's cleanups, last first; temp
 * folders are named from `prefix`.
 *
 * @example
 * ```ts
 * const logs = useNoteLogs("factory-filters-");
 * const log = await logs.open();
 * const notes = await addNotes(log, 3);
 * ```
 */
export function useNoteLogs(prefix: string): NoteLogs {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const logs: NoteLogs = {
    path() {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return join(dir, "events.db");
    },
    async open(path = logs.path(), clock) {
      const log = await openEventLog({
        path,
        events: [NoteAdded],
        ...(clock === undefined ? {} : { clock }),
      });
      cleanups.push(() => log.close());
      return log;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
  return logs;
}

/** Appends notes 0 to count - 1 (subjects `note-<n>`), returning them as stored. */
export async function addNotes(log: EventLog, count: number): Promise<StoredEvent[]> {
  return log.append(
    Array.from({ length: count }, (_, n) => ({ type: NoteAdded.type, subject: `note-${n}`, data: { n } })),
  );
}
