/**
 * The week the Acme walkthrough plays out: a clock for its factory that stands
 * on the time a team would take each step, so that lead times and times to
 * route in its measures are a week's durations, not the seconds the run takes.
 *
 * @module
 */
import { type ManualClock, manualClock } from "@software-factory/core";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A week of seven days ending before now, and a clock moved through it. */
export interface AcmeWeek {
  /** The clock to stamp the factory's events with. */
  readonly clock: ManualClock;
  /** Midnight UTC of the week's first day. */
  readonly start: Date;
  /** Midnight UTC after the week's last day (at most now). */
  readonly end: Date;
  /**
   * Moves the clock to `hours:minutes` UTC of day `day` (0 is the first).
   *
   * @throws Error naming both times when that is before the clock's time: the history only moves forward.
   */
  at(day: number, hours: number, minutes?: number): void;
}

/**
 * The week of the seven days before `now`'s day (UTC), its clock at 08:00 of
 * the first day.
 *
 * @example
 * ```ts
 * const week = acmeWeek();
 * const factory = await openFactory({ dir, clock: week.clock });
 * week.at(4, 9, 10); // day 5, 09:10 UTC
 * ```
 */
export function acmeWeek(now: Date = new Date()): AcmeWeek {
  const end = new Date(Math.floor(now.getTime() / DAY) * DAY);
  const start = new Date(end.getTime() - 7 * DAY);
  const clock = manualClock(start.getTime() + 8 * HOUR);
  return {
    clock,
    start,
    end,
    at(day, hours, minutes = 0) {
      const next = start.getTime() + day * DAY + hours * HOUR + minutes * 60_000;
      if (next < clock.now().getTime())
        throw new Error(
          `the Acme week cannot go back from ${clock.now().toISOString()} to ${new Date(next).toISOString()}`,
        );
      clock.set(next);
    },
  };
}
