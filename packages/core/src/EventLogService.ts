import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Option from "effect/Option";
import type * as Scope from "effect/Scope";
import * as Stream from "effect/Stream";
import { ClockService } from "./Clock.js";
import {
  type AppendOptions,
  type EventLog,
  type NewEvent,
  type OpenEventLogOptions,
  openEventLog,
} from "./EventLog.js";
import type { ReadQuery, StoredEvent } from "./EventStore.js";
import { EventStoreService } from "./EventStoreService.js";
import { attempt, isKernelError } from "./effectAttempt.js";
import type {
  ClosedError,
  ConcurrencyConflictError,
  EventVersionError,
  IdempotencyConflictError,
  ReadOnlyError,
  SchemaVersionError,
  StoreError,
  UnknownEventTypeError,
  ValidationError,
} from "./errors.js";
import type { SubscribeOptions, Subscription } from "./internal/LogSubscription.js";

/** Errors an append can fail with. */
export type AppendError =
  | ValidationError
  | UnknownEventTypeError
  | ConcurrencyConflictError
  | IdempotencyConflictError
  | StoreError
  | ReadOnlyError
  | ClosedError;

/**
 * The event log as seen from Effect code: the same operations, with typed
 * errors. Any other failure (a bug) is a defect, not an error.
 *
 * `append` is uninterruptible: interrupting the fiber running it waits until
 * the store has answered, so once the interruption returns the batch is in the
 * log whole or not at all, never still being written. The interrupted exit
 * does not say which: append again with the same `idempotencyKey` to learn the
 * outcome without writing twice.
 */
export interface EventLogShape {
  /** The Promise face underneath, for code that mixes both. */
  readonly log: EventLog;
  /** See {@link EventLog.append}. */
  readonly append: (
    events: NewEvent | readonly NewEvent[],
    options?: AppendOptions,
  ) => Effect.Effect<StoredEvent[], AppendError>;
  /**
   * See {@link EventLog.read}; a malformed query fails with `ValidationError`, an event stored at a
   * newer version of its type than the registry's with `EventVersionError`.
   */
  readonly read: (
    query?: ReadQuery,
  ) => Effect.Effect<StoredEvent[], ValidationError | EventVersionError | StoreError | ClosedError>;
  /**
   * Every matching event from a position to the head as of the stream's
   * start, read page by page (see {@link EventLog.readAll}); each run reads
   * anew. A malformed query fails the stream with `ValidationError`, an event stored at a newer
   * version of its type than the registry's with `EventVersionError`.
   */
  readonly readAll: (
    query?: Parameters<EventLog["readAll"]>[0],
  ) => Stream.Stream<StoredEvent, ValidationError | EventVersionError | StoreError | ClosedError>;
  /** See {@link EventLog.head}. */
  readonly head: Effect.Effect<number, StoreError | ClosedError>;
  /**
   * The id of the event at a position, `""` at 0, `undefined` when the log has none there
   * (see {@link EventLog.eventIdAt}); a position that is not a whole number of at least 0
   * fails with `ValidationError`.
   */
  readonly eventIdAt: (
    position: number,
  ) => Effect.Effect<string | undefined, ValidationError | StoreError | ClosedError>;
  /** See {@link EventLog.subscribe}; the subscription closes with the scope. Malformed options fail with `ValidationError`. */
  readonly subscribe: (
    handler: (event: StoredEvent) => void | Promise<void>,
    options?: SubscribeOptions,
  ) => Effect.Effect<Subscription, ValidationError | StoreError | ClosedError, Scope.Scope>;
  /**
   * Calls `listener` whenever new events may have landed, from this process or
   * another, until the scope closes (see {@link EventLog.watch}).
   */
  readonly watch: (listener: () => void) => Effect.Effect<void, never, Scope.Scope>;
}

/**
 * The event log as an Effect service.
 *
 * @example
 * ```ts
 * const program = Effect.gen(function* () {
 *   const log = yield* EventLogService;
 *   return yield* log.head;
 * });
 * await Effect.runPromise(Effect.provide(program, EventLogService.layer({ path: ".factory/factory.db" })));
 * ```
 */
export class EventLogService extends Context.Service<EventLogService, EventLogShape>()(
  "@software-factory/core/EventLog",
) {
  /**
   * A layer that opens the log and closes it when the layer is released.
   * Opening fails with `ValidationError` for malformed options (two
   * definitions of one event type, an unknown durability), `SchemaVersionError`
   * for a store written by a newer SDK, `ReadOnlyError` when the SQLite file
   * does not exist and its folder cannot be written, and `StoreError` when
   * the store cannot be opened.
   *
   * Its events are stamped by `options.clock`, else by the {@link ClockService}
   * of the context when there is one, else by Effect's current `Clock` as the
   * layer is built (the machine's clock unless, say, `TestClock.layer()` is
   * provided below it: see {@link ClockService.current}); with neither `options.store` nor
   * `options.path`, it keeps them in the {@link EventStoreService} of the
   * context when there is one (and closes it with the log), as
   * `FactoryService.layer` does.
   */
  static layer(
    options: OpenEventLogOptions,
  ): Layer.Layer<EventLogService, ValidationError | StoreError | SchemaVersionError | ReadOnlyError> {
    return Layer.effect(
      EventLogService,
      Effect.gen(function* () {
        const store = yield* Effect.serviceOption(EventStoreService);
        const withServices: OpenEventLogOptions = {
          ...options,
          ...(options.clock === undefined ? { clock: yield* ClockService.current } : {}),
          ...(options.store === undefined && options.path === undefined && Option.isSome(store)
            ? { store: store.value }
            : {}),
        };
        const log = yield* Effect.acquireRelease(
          attempt(() => openEventLog(withServices), isOpenError),
          (opened) => Effect.promise(() => opened.close()),
        );
        return makeEventLogShape(log);
      }),
    );
  }
}

const isOpenError = isKernelError("ValidationError", "StoreError", "SchemaVersionError", "ReadOnlyError");
const isAppendError = isKernelError(
  "ValidationError",
  "UnknownEventTypeError",
  "ConcurrencyConflictError",
  "IdempotencyConflictError",
  "StoreError",
  "ReadOnlyError",
  "ClosedError",
);
const isReadError = isKernelError("ValidationError", "EventVersionError", "StoreError", "ClosedError");
const isSubscribeError = isKernelError("ValidationError", "StoreError", "ClosedError");
const isStoreOrClosed = isKernelError("StoreError", "ClosedError");
const isPositionError = isKernelError("ValidationError", "StoreError", "ClosedError");

/** Wraps a Promise-face log in the Effect shape. */
export function makeEventLogShape(log: EventLog): EventLogShape {
  return {
    log,
    append: (events, options) =>
      Effect.uninterruptible(attempt(() => log.append(events, options), isAppendError)),
    read: (query) => attempt(() => log.read(query), isReadError),
    readAll: (query) =>
      Stream.fromAsyncIterable({ [Symbol.asyncIterator]: () => log.readAll(query) }, (error) => error).pipe(
        Stream.catch((error) => (isReadError(error) ? Stream.fail(error) : Stream.die(error))),
      ),
    head: attempt(() => log.head(), isStoreOrClosed),
    eventIdAt: (position) => attempt(() => log.eventIdAt(position), isPositionError),
    subscribe: (handler, options) =>
      Effect.acquireRelease(
        attempt(() => log.subscribe(handler, options), isSubscribeError),
        (subscription) => Effect.promise(() => subscription.close()),
      ),
    watch: (listener) =>
      Effect.asVoid(
        Effect.acquireRelease(
          Effect.sync(() => log.watch(listener)),
          (stop) => Effect.sync(stop),
        ),
      ),
  };
}
