/**
 * One sequence of file operations, run in the calling thread or off it: a
 * generator yields each operation in both forms, and {@link runSync} or
 * {@link runInSteps} does it in one and hands back its result or throws its
 * error into the generator. The order of the operations and the clean-up
 * after a failure are written once.
 *
 * @module
 */

/** A sequence of file operations that ends with a `T`. */
export type FileSteps<T> = Generator<{ sync(): unknown; inSteps(): Promise<unknown> }, T, unknown>;

/** One operation of a sequence, in the calling thread and off it: `const result = yield* step(...)`. */
export function* step<T>(sync: () => T, inSteps: () => Promise<T>): FileSteps<T> {
  return (yield { sync, inSteps }) as T;
}

// A generator that threw has finished; throwing its error back into it throws it again, out of the loop.

/** Runs the steps in the calling thread, one after the other. */
export function runSync<T>(steps: FileSteps<T>): T {
  for (let next = steps.next(); ; ) {
    if (next.done === true) return next.value;
    try {
      next = steps.next(next.value.sync());
    } catch (error) {
      next = steps.throw(error);
    }
  }
}

/** Runs the steps off the calling thread, one after the other: the event loop turns during each. */
export async function runInSteps<T>(steps: FileSteps<T>): Promise<T> {
  for (let next = steps.next(); ; ) {
    if (next.done === true) return next.value;
    try {
      next = steps.next(await next.value.inSteps());
    } catch (error) {
      next = steps.throw(error);
    }
  }
}
