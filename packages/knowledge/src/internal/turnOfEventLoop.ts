/**
 * A pause for long work done in steps in the calling thread.
 *
 * @module
 */

/** Resolves after the event loop has handled what was waiting (I/O, timers, other requests). */
export function turnOfEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
