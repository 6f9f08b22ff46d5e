/**
 * Waiting on work a caller may cancel with an `AbortSignal`: the wait ends
 * with the signal's reason when it aborts, as `fetch` rejects, whether or not
 * the work itself heeds the signal. Shared by the knowledge base's searches
 * and listings and the intelligence layer's context packs.
 *
 * @module
 */

/**
 * Resolves or rejects as `work` does, or rejects with `signal.reason` as soon
 * as the signal aborts (at once when it already has). The work goes on
 * unless it heeds the signal itself; what it settles with after the abort is
 * dropped.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      work.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}

/** {@link eitherSignal}'s answer: the combined signal and how to stop listening. */
export interface EitherSignal {
  /** Aborts when either signal does, with that one's reason. */
  readonly signal: AbortSignal;
  /** Stops listening to both signals; call it once the work is done. */
  readonly release: () => void;
}

/**
 * A signal that aborts when either `first` or `second` does, with that one's
 * reason, and `release`, which stops listening to them (either may outlive
 * many calls; `AbortSignal.any` would keep each combined signal alive on
 * Node 20).
 */
export function eitherSignal(first: AbortSignal | undefined, second: AbortSignal): EitherSignal {
  if (first === undefined) return { signal: second, release: () => undefined };
  const controller = new AbortController();
  const fromFirst = () => controller.abort(first.reason);
  const fromSecond = () => controller.abort(second.reason);
  if (first.aborted) fromFirst();
  else if (second.aborted) fromSecond();
  else {
    first.addEventListener("abort", fromFirst, { once: true });
    second.addEventListener("abort", fromSecond, { once: true });
  }
  return {
    signal: controller.signal,
    release: () => {
      first.removeEventListener("abort", fromFirst);
      second.removeEventListener("abort", fromSecond);
    },
  };
}
