/**
 * Chunking in steps: generators that yield how much work they did since they
 * last yielded and return their result, run to the end at once by the
 * synchronous functions and with turns of the event loop between steps by
 * the knowledge base's re-indexing. Both runs give the same result, since
 * they run the same code.
 *
 * @module
 */

/** Work a step does before it yields, in characters of markdown scanned or packed. */
export const STEP_CHARS = 1024;

/** A computation in steps: each yield is the characters of work done since the last; the return value is the result. */
export type Steps<Result> = Generator<number, Result, void>;

/** Runs steps to the end without pausing, and returns their result. */
export function runSteps<Result>(steps: Steps<Result>): Result {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}
