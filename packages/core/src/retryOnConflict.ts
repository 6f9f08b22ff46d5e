/**
 * Retrying a write that lost a race: a write decides against the latest state
 * and appends only if the log is still where it read it (the log's optimistic
 * concurrency); when another writer landed first, it waits a little and
 * decides again, a bounded number of times.
 *
 * @module
 */
import { ConcurrencyConflictError, formatIssues, ValidationError, type ValidationIssue } from "./errors.js";

/**
 * How many attempts {@link retryOnConflict} makes when its options name none:
 * enough that writers busy on one factory (a CI apply beside imports, edits
 * and moves) all land.
 */
const DEFAULT_ATTEMPTS = 50;

/** Options of {@link retryOnConflict}. */
export interface RetryOnConflictOptions {
  /** How many times the write is tried in all, the first included: a whole number, at least 1 (default 50). */
  readonly attempts?: number;
  /**
   * Longest pause between two attempts, in milliseconds. Each pause is random
   * up to a bound that doubles with each conflict (2, 4, 8 ms...) until it
   * reaches this one, so writers that collided do not collide again in step.
   */
  readonly maxBackoffMs: number;
  /**
   * The error to give up with, made from the conflict of the last attempt and
   * the number of attempts; without it, that conflict is thrown as it is.
   */
  readonly onGiveUp?: (last: ConcurrencyConflictError, attempts: number) => Error;
}

/**
 * Runs `attempt` (a write that reads the latest state, decides, and appends
 * with the head it read expected) and, each time it throws a
 * {@link ConcurrencyConflictError}, waits a random pause that grows with each
 * conflict up to `maxBackoffMs` and runs it again, at most `attempts` times in
 * all. Any other error is thrown at once, without another attempt.
 *
 * @returns what the attempt that did not conflict returned.
 * @throws ConcurrencyConflictError (or what `onGiveUp` makes of it) when the last attempt still conflicts.
 * @throws ValidationError (path `attempts` or `maxBackoffMs`) when `attempts` is not a whole number of at least 1,
 *   or `maxBackoffMs` is not a finite number of at least 0; the attempt is not run.
 * @example
 * ```ts
 * const stored = await retryOnConflict(
 *   async () => {
 *     const head = await log.head();
 *     return log.append({ type: "note.added", subject: "n1", data: { text: `after ${head}` } }, { expectedHead: head });
 *   },
 *   { maxBackoffMs: 50, onGiveUp: (last, attempts) => new Error(`still busy after ${attempts} attempts: ${last.message}`) },
 * );
 * ```
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<T>,
  options: RetryOnConflictOptions,
): Promise<T> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const issues: ValidationIssue[] = [];
  if (!Number.isInteger(attempts) || attempts < 1)
    issues.push({
      path: "attempts",
      message: `retryOnConflict: attempts must be a whole number of at least 1, got ${attempts}`,
    });
  if (!Number.isFinite(options.maxBackoffMs) || options.maxBackoffMs < 0)
    issues.push({
      path: "maxBackoffMs",
      message: `retryOnConflict: maxBackoffMs must be a finite number of at least 0, got ${options.maxBackoffMs}`,
    });
  if (issues.length > 0)
    throw new ValidationError({ message: formatIssues("retryOnConflict options", issues), issues });
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError)) throw error;
      if (tried >= attempts) throw options.onGiveUp?.(error, tried) ?? error;
    }
    const bound = Math.min(2 ** tried, options.maxBackoffMs);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * bound));
  }
}
