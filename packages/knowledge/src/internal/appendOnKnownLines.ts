/**
 * Writes that name floor-plan lines: the check that the lines exist and the
 * append are one decision. The log's head is read before the lines are
 * checked, and the events are appended only if the log is still at that head
 * (its optimistic concurrency); when something landed meanwhile (a line
 * retired by another process, or any other write), the lines are checked
 * again and the append retried, with core's `retryOnConflict` (50 attempts,
 * jittered backoff).
 *
 * @module
 */
import {
  type AppendOptions,
  type EventLog,
  type KnownLines,
  type NewEvent,
  NotFoundError,
  retryOnConflict,
  type StoredEvent,
} from "@software-factory/core";

/** Longest wait between two attempts, in milliseconds (the waits grow to it, each one random up to its bound). */
const MAX_BACKOFF_MS = 100;

/** The lines a write names and what the error calls the write (`document`, `revision of doc_1`). */
export interface LineCheck {
  readonly lines: readonly string[];
  readonly subject: string;
}

/**
 * Refuses a line `known` does not know (caught up first); accepts every line
 * when there is no `known`.
 *
 * @throws NotFoundError naming the field (`lines[1]`) and the line.
 */
export async function expectKnownLines(known: KnownLines | undefined, check: LineCheck): Promise<void> {
  if (known === undefined || check.lines.length === 0) return;
  await known.refresh?.();
  for (const [index, line] of check.lines.entries()) {
    if (known.hasLine(line)) continue;
    throw new NotFoundError({
      message: `${check.subject}: lines[${index}] names an unknown line "${line}"; declare it in the floor plan first`,
      entity: "line",
      id: line,
      field: `lines[${index}]`,
    });
  }
}

/**
 * Appends `events` if every line of `check` exists when they land: checks the
 * lines against the log's head, and appends with that head expected, checking
 * again after each conflict. A write naming no lines (or with no `known`) is
 * appended as it is. With an idempotency key, a retry of a write already made
 * returns its events whatever the log's head (the log checks the key first).
 *
 * @throws NotFoundError when a line does not exist (or was retired before the events could land).
 * @throws ConcurrencyConflictError when other writes kept landing between the check and the append on every attempt.
 */
export async function appendOnKnownLines(
  log: EventLog,
  known: KnownLines | undefined,
  events: readonly NewEvent[],
  options: AppendOptions,
  check: LineCheck,
): Promise<StoredEvent[]> {
  if (known === undefined || check.lines.length === 0) return log.append(events, options);
  return retryOnConflict(
    async () => {
      const head = await log.head();
      await expectKnownLines(known, check);
      return log.append(events, { ...options, expectedHead: head });
    },
    { maxBackoffMs: MAX_BACKOFF_MS },
  );
}
