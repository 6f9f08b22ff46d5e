import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import type * as Scope from "effect/Scope";
import {
  type AppendOptions,
  type EventLog,
  type NewEvent,
  type OpenEventLogOptions,
  openEventLog,
} from "./EventLog.js";
import type { ReadQuery, StoredEvent } from "./EventStore.js";
import type {
  ClosedError,
  ConcurrencyConflictError,
  IdempotencyConflictError,
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
  | ClosedError;

/** The event log as seen from Effect code: the same operations, with typed errors. */
export interface EventLogShape {
  /** The Promise face underneath, for code that mixes both. */
  readonly log: EventLog;
  /** See {@link EventLog.append}. */
  readonly append: (
    events: NewEvent | readonly NewEvent[],
    options?: AppendOptions,
  ) => Effect.Effect<StoredEvent[], AppendError>;
  /** See {@link EventLog.read}. */
  readonly read: (query?: ReadQuery) => Effect.Effect<StoredEvent[], StoreError | ClosedError>;
  /** See {@link EventLog.head}. */
  readonly head: Effect.Effect<number, StoreError | ClosedError>;
  /** See {@link EventLog.subscribe}; the subscription closes with the scope. */
  readonly subscribe: (
    handler: (event: StoredEvent) => void | Promise<void>,
    options?: SubscribeOptions,
  ) => Effect.Effect<Subscription, StoreError | ClosedError, Scope.Scope>;
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
  /** A layer that opens the log and closes it when the layer is released. */
  static layer(options: OpenEventLogOptions): Layer.Layer<EventLogService, StoreError | SchemaVersionError> {
    return Layer.effect(
      EventLogService,
      Effect.map(
        Effect.acquireRelease(
          Effect.tryPromise({
            try: () => openEventLog(options),
            catch: (error) => error as StoreError | SchemaVersionError,
          }),
          (log) => Effect.promise(() => log.close()),
        ),
        makeEventLogShape,
      ),
    );
  }
}

/** Wraps a Promise-face log in the Effect shape. */
export function makeEventLogShape(log: EventLog): EventLogShape {
  return {
    log,
    append: (events, options) =>
      Effect.tryPromise({ try: () => log.append(events, options), catch: (error) => error as AppendError }),
    read: (query) =>
      Effect.tryPromise({ try: () => log.read(query), catch: (error) => error as StoreError | ClosedError }),
    head: Effect.tryPromise({ try: () => log.head(), catch: (error) => error as StoreError | ClosedError }),
    subscribe: (handler, options) =>
      Effect.acquireRelease(
        Effect.tryPromise({
          try: () => log.subscribe(handler, options),
          catch: (error) => error as StoreError | ClosedError,
        }),
        (subscription) => Effect.promise(() => subscription.close()),
      ),
  };
}
