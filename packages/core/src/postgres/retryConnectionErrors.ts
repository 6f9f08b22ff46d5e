import type { CallDeadline } from "./CallDeadline.js";
import { deadlineStoreError, isConnectionError, storeErrorFrom } from "./connectionErrors.js";
import type { ResolvedPostgresOptions } from "./options.js";

/** How {@link retryConnectionErrors} tells which failures to retry, when to stop, and what to fail with. */
export interface ConnectionRetryPolicy {
  /** Whether no attempt may follow any more (the store closed); by default one may. */
  readonly stopped?: () => boolean;
  /** Whether a failure may be retried on a new connection; by default a lost or refused one (`isConnectionError`). */
  readonly retryable?: (error: unknown) => boolean;
  /**
   * The error the call fails with, in place of the usual one (see
   * {@link retryConnectionErrors}), when it says better what went wrong;
   * undefined to keep the usual one.
   */
  readonly failure?: (error: unknown) => Error | undefined | Promise<Error | undefined>;
}

/**
 * Runs `work`, retrying with backoff while its failure is a lost or refused
 * connection (or what `policy.retryable` tells), for at most `retryAttempts`
 * attempts and the call's `deadline` in all. An error of this SDK (one with a
 * `_tag`) is thrown as it is. Otherwise the call fails with what
 * `policy.failure` makes of the last failure or, without one, a `StoreError`
 * naming the server and what was being done (`doing`, with the attempts made):
 * that no answer came within the call's time when the next pause would pass it.
 */
export async function retryConnectionErrors<T>(
  options: ResolvedPostgresOptions,
  deadline: CallDeadline,
  doing: string,
  work: (attempt: number) => Promise<T>,
  policy: ConnectionRetryPolicy,
): Promise<T> {
  const retryable = policy.retryable ?? isConnectionError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (error instanceof Error && "_tag" in error) throw error;
      if (!retryable(error) || attempt >= options.retryAttempts || policy.stopped?.() === true) {
        throw (
          (await policy.failure?.(error)) ??
          storeErrorFrom(error, options.target, attempt === 1 ? doing : `${doing} (${attempt} attempts)`)
        );
      }
      const delay = Math.min(options.retryMaxDelayMs, options.retryInitialDelayMs * 2 ** (attempt - 1));
      if (deadline.left <= delay)
        throw (
          (await policy.failure?.(error)) ??
          deadlineStoreError(error, options.target, doing, attempt, deadline.timeoutMs)
        );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
