/**
 * What the automation runner's tests wait on: a gate a handler or a test
 * opens, and a clock of the machine that counts its reads.
 */
import type { Clock } from "@software-factory/core";

/** A promise and the function that resolves it. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** A clock of the machine that counts its reads. */
export interface CountingClock extends Clock {
  /** Resolves once the clock has been read `count` more times. */
  reads(count: number): Promise<void>;
}

/** The machine's clock, counting its reads. */
export function countingClock(): CountingClock {
  const waiting: { left: number; resolve: () => void }[] = [];
  return {
    now() {
      for (const waiter of waiting.splice(0)) {
        waiter.left -= 1;
        if (waiter.left > 0) waiting.push(waiter);
        else waiter.resolve();
      }
      return new Date();
    },
    reads(count) {
      return new Promise((resolve) => waiting.push({ left: count, resolve }));
    },
  };
}
