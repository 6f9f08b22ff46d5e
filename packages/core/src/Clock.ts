import * as Context from "effect/Context";
import * as Layer from "effect/Layer";

/** A source of the current time. Swap it in tests to make time deterministic. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The clock of the machine. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that a test moves by hand. */
export interface ManualClock extends Clock {
  /** Sets the current instant. */
  set(at: Date | string | number): void;
  /** Moves the current instant forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/**
 * Creates a clock that stands still until moved, for deterministic tests and replays.
 *
 * @example
 * ```ts
 * const clock = manualClock("2026-01-01T00:00:00Z");
 * clock.advance(60_000);
 * clock.now().toISOString(); // "2026-01-01T00:01:00.000Z"
 * ```
 */
export function manualClock(start: Date | string | number): ManualClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

/**
 * The clock as an Effect service. A factory layer (`FactoryService.layer` in
 * `@software-factory/intelligence`) and `EventLogService.layer` read it
 * when the context holds one and their options give no clock, and stamp
 * their events with it; without one they use the machine's clock.
 *
 * @example
 * ```ts
 * const fixed = Layer.succeed(ClockService, manualClock("2026-01-01T00:00:00Z"));
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir }).pipe(Layer.provide(fixed))));
 * ```
 */
export class ClockService extends Context.Service<ClockService, Clock>()("@software-factory/core/Clock") {
  /** A layer providing the machine's clock. */
  static readonly system = Layer.succeed(ClockService, systemClock);
}
