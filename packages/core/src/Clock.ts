import * as EffectClock from "effect/Clock";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Option from "effect/Option";

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
 * The clock as an Effect service. The layers of the Effect face
 * (`FactoryService.layer` in `@software-factory/intelligence`,
 * `EventLogService.layer`, and so `KnowledgeBaseService.layer` over it) stamp
 * their events with, in this order:
 *
 * 1. the `clock` of their options;
 * 2. else the `ClockService` of the context;
 * 3. else Effect's own current `Clock` (`Clock.Clock` of `effect`), read when
 *    the layer is built: the machine's clock unless the program provides
 *    another, such as `TestClock.layer()` of `effect/testing`, whose
 *    `TestClock.adjust` and `TestClock.setTime` then move the stamps.
 *
 * A `ClockService` therefore wins over a `TestClock` (providing
 * {@link ClockService.system} pins the machine's clock under one). The Promise
 * face (`openFactory`, `openEventLog`) has no Effect context: without a
 * `clock` option it uses the machine's clock.
 *
 * @example
 * ```ts
 * const fixed = Layer.succeed(ClockService, manualClock("2026-01-01T00:00:00Z"));
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir }).pipe(Layer.provide(fixed))));
 * ```
 *
 * @example
 * ```ts
 * // Effect's TestClock, built below the factory's layer so the layer reads it:
 * const program = Effect.gen(function* () {
 *   yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"));
 *   // ...events written now are stamped 2026-01-01T00:00:00.000Z
 *   yield* TestClock.adjust("1 hour");
 *   // ...and these 2026-01-01T01:00:00.000Z
 * });
 * await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir }).pipe(Layer.provideMerge(TestClock.layer()))));
 * ```
 */
export class ClockService extends Context.Service<ClockService, Clock>()("@software-factory/core/Clock") {
  /** A layer providing the machine's clock. */
  static readonly system = Layer.succeed(ClockService, systemClock);

  /**
   * The clock a layer stamps its events with when its options give none: the
   * `ClockService` of the context, else a {@link Clock} over Effect's current
   * `Clock` (read at each `now()` through its `currentTimeMillisUnsafe`, so a
   * `TestClock` moved later moves the stamps).
   *
   * @example
   * ```ts
   * const clock = yield* ClockService.current;
   * clock.now(); // the TestClock's time under TestClock.layer()
   * ```
   */
  static readonly current: Effect.Effect<Clock> = Effect.gen(function* () {
    const given = yield* Effect.serviceOption(ClockService);
    if (Option.isSome(given)) return given.value;
    const effectClock = yield* EffectClock.Clock;
    return { now: () => new Date(effectClock.currentTimeMillisUnsafe()) };
  });
}
