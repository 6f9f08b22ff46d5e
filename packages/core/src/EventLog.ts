import { z } from "zod";
import { tallyAppended } from "./appendTally.js";
import { type Clock, systemClock } from "./Clock.js";
import { aFunction, anObject, checkArguments } from "./checkArguments.js";
import { EventRegistry } from "./EventRegistry.js";
import { DEFAULT_READ_LIMIT, type EventStore, type ReadQuery, type StoredEvent } from "./EventStore.js";
import { ClosedError, formatIssues, ValidationError, validationErrorFromZod } from "./errors.js";
import {
  type AppendOptions,
  AppendOptionsSchema,
  type NewEvent,
  type OpenEventLogOptions,
  OpenEventLogOptionsSchema,
  ReadAllQuerySchema,
  ReadQuerySchema,
  SubscribeOptionsSchema,
} from "./eventLogInputs.js";
import { DEFAULT_MAX_EVENT_BYTES } from "./internal/eventSize.js";
import {
  LogSubscription,
  type ReadErrorReport,
  type SubscribeOptions,
  type Subscription,
} from "./internal/LogSubscription.js";
import { openDefaultStore } from "./internal/openDefaultStore.js";
import { prepareEvents, requestHashOf } from "./internal/prepareEvents.js";
import { upcastingStore } from "./internal/upcastingStore.js";
import { strictInput } from "./strictInput.js";

export {
  type AppendOptions,
  DEFAULT_STORE_PATH,
  type NewEvent,
  type OpenEventLogOptions,
} from "./eventLogInputs.js";
export type { ReadErrorReport, SubscribeOptions, Subscription };

/** Options of {@link EventLog.close}; a key it does not list is refused. */
export interface CloseEventLogOptions {
  /**
   * What every later call of the log, and of the parts over it, says
   * (`the factory is closed (closed by close()); open it again with openFactory`).
   */
  readonly closedBy?: string;
}

/** An event argument of `append`: an object, its fields checked by the event's schema. */
const AnEvent = anObject("an event (type, subject, data)");
/** The events argument of `append`: an event or a list of them. */
const AnEventOrList = anObject("an event or a list of events");
/** A position argument: a whole number, 0 or more. */
const Position = z.number().int().nonnegative();

/**
 * The factory's one ordered log of events, the shared context model every
 * projection is folded from. Validates every payload before it is written,
 * appends batches atomically, and delivers new events to subscribers, whether
 * this process or another one wrote them.
 *
 * Every method checks the types of its arguments first: an event that is no
 * object, options that are no object, a position that is no whole number, a
 * listener that is no function fail with `ValidationError` naming the
 * argument (`a call of watch is invalid: listener: must be a function`).
 *
 * Create it with {@link openEventLog}.
 */
export class EventLog implements AsyncDisposable {
  readonly #store: EventStore;
  /** The store read through the registry's upcast steps. */
  readonly #reading: EventStore;
  readonly #clock: Clock;
  readonly #actor: string;
  readonly #maxEventBytes: number;
  readonly #subscriptions = new Set<LogSubscription>();
  /** What a call says once the log was closed with `closedBy` (see {@link EventLog.close}). */
  #closedBy: string | undefined;

  /** The event types this log accepts. Register more before appending them. */
  readonly registry: EventRegistry;

  /**
   * Wraps a store; prefer {@link openEventLog}, which checks its options.
   * `maxEventBytes` is {@link OpenEventLogOptions.maxEventBytes}.
   */
  constructor(
    store: EventStore,
    registry: EventRegistry,
    clock: Clock = systemClock,
    actor = "system",
    maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
  ) {
    this.#store = store;
    this.registry = registry;
    this.#reading = upcastingStore(store, registry);
    this.#clock = clock;
    this.#actor = actor;
    this.#maxEventBytes = maxEventBytes;
  }

  /**
   * The clock that stamps this log's events. Parts folded from the log read
   * the time from it too, so a factory opened with a `manualClock` agrees
   * with itself about what "now" is.
   */
  get clock(): Clock {
    return this.#clock;
  }

  /**
   * The most bytes one event may take serialized, payload and metadata
   * (`maxEventBytes` of `openEventLog` or `openFactory`; 16 MiB by default), so
   * a part writing through the log can refuse an input too large for it at
   * the input's own field before building the event.
   */
  get maxEventBytes(): number {
    return this.#maxEventBytes;
  }

  /** Short name of the store adapter (`sqlite`, `memory`). */
  get storeKind(): string {
    return this.#store.kind;
  }

  /**
   * Appends one event or a batch, atomically: the whole batch lands or none of it.
   *
   * Every payload is validated first; nothing is written if any is invalid.
   * Text that no store can keep (NUL characters, lone UTF-16 surrogates) is
   * invalid anywhere in an event, so a write that works on SQLite also works on PostgreSQL; so is
   * what JSON cannot hold (a BigInt, arrays and objects nested deeper than 512 levels or holding themselves).
   * So is a payload value that would read back as something else: a Date (a string), NaN or
   * Infinity (null), `undefined` in an array (null), a Map or Set (`{}`), a class instance
   * (a plain object), a function. What is checked is what the type's schema returned, so a
   * schema that turns a Date into an ISO string lets it through.
   * So is an event larger than the log's `maxEventBytes` (16 MiB unless opened with another) serialized.
   * A `-0` in a payload is written, and returned, as `0`, which every store reads back (JSON has no `-0`).
   *
   * @returns the stored events with their positions, in order.
   * @throws UnknownEventTypeError when a type is not registered.
   * @throws ValidationError naming the event index and field of each bad payload (`events[1].data.title`,
   *   `data.when: a Date is not stored as written ...; pass an ISO string`),
   *   each malformed event field (an unknown key such as `causedby`, an `actor` or `causedBy` that is
   *   not a non-empty string), or each malformed or unknown option (`idempotencyKey` not a non-empty string of at most
   *   512 characters, `expectedHead` not a non-negative integer), or each event over the size limit
   *   (`events[2]: event "note.added" is 17.50 MiB serialized ..., over the limit of 16 MiB per event`).
   * @throws ConcurrencyConflictError when `expectedHead` is stale.
   * @throws IdempotencyConflictError when the key was used for a different batch.
   * @throws StoreError when the store fails.
   * @example
   * ```ts
   * const [event] = await log.append(
   *   { type: "line.added", subject: "line_checkout", data: { title: "Checkout" } },
   *   { idempotencyKey: "import-42" },
   * );
   * ```
   */
  async append(events: NewEvent | readonly NewEvent[], options: AppendOptions = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    checkArguments("append", {
      events: [Array.isArray(events) ? z.array(AnEvent) : AnEventOrList, events],
      options: [anObject("append options").optional(), options],
    });
    const checked = AppendOptionsSchema.safeParse(options);
    if (!checked.success) throw validationErrorFromZod(checked.error.issues, { subject: "append options" });
    const batch: readonly NewEvent[] = Array.isArray(events) ? events : [events as NewEvent];
    const prepared = prepareEvents(batch, options.actor ?? this.#actor, {
      registry: this.registry,
      clock: this.#clock,
      maxEventBytes: this.#maxEventBytes,
    });
    const key = options.idempotencyKey;
    const stored = await this.#store.append(prepared, {
      ...(key === undefined ? {} : { idempotencyKey: key, requestHash: requestHashOf(prepared) }),
      ...(options.expectedHead === undefined ? {} : { expectedHead: options.expectedHead }),
    });
    tallyAppended(prepared, stored);
    return stored;
  }

  /**
   * Reads events after a position, in order, optionally filtered by type or subject.
   * Events stored at an older version of a type defined with `upcast` steps
   * come in its current shape (see `defineEvent`).
   *
   * @throws ValidationError naming each malformed or unknown field of the query (a negative `limit`, `subjects` not a list),
   *   or an event whose upcast steps returned a payload its type's schema refuses (see `EventRegistry.upcast`).
   * @throws EventVersionError when an event read is stored at a newer version of its type than the registry's:
   *   a newer SDK wrote it; upgrade to read it.
   * @example
   * ```ts
   * const page = await log.read({ after: 0, limit: 100, types: ["line.added"] });
   * ```
   */
  async read(query: ReadQuery = {}): Promise<StoredEvent[]> {
    this.#assertOpen();
    checkArguments("read", { query: [anObject("a read query").optional(), query] });
    const parsed = ReadQuerySchema.safeParse(query);
    if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "read query" });
    return this.#reading.read(query);
  }

  /**
   * Iterates over every matching event from a position to the head as of the call, page by page.
   * Events stored at an older version of a type defined with `upcast` steps
   * come in its current shape (see `defineEvent`).
   *
   * @throws ValidationError (when iteration starts) naming each malformed or unknown field of the query
   *   (`pageSize` not a positive integer, `types` not a list); while it goes on, naming an event whose upcast
   *   steps returned a payload its type's schema refuses (see `EventRegistry.upcast`).
   * @throws EventVersionError (while it goes on) at an event stored at a newer version of its type than the
   *   registry's: a newer SDK wrote it; upgrade to read it.
   */
  async *readAll(
    query: Omit<ReadQuery, "limit"> & { readonly pageSize?: number } = {},
  ): AsyncGenerator<StoredEvent> {
    this.#assertOpen();
    checkArguments("readAll", { query: [anObject("a readAll query").optional(), query] });
    const parsed = ReadAllQuerySchema.safeParse(query);
    if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "readAll query" });
    const until = query.until ?? (await this.#store.head());
    const pageSize = query.pageSize ?? DEFAULT_READ_LIMIT;
    let after = query.after ?? 0;
    while (after < until) {
      const page = await this.#reading.read({ ...query, after, until, limit: pageSize });
      for (const event of page) yield event;
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.seq ?? until;
    }
  }

  /** The position of the last event, 0 when the log is empty. */
  async head(): Promise<number> {
    this.#assertOpen();
    return this.#store.head();
  }

  /**
   * The id of the event at a position (`""` at 0), or undefined when the log
   * has none there: what a cache records to know it was taken from this log.
   */
  async eventIdAt(position: number): Promise<string | undefined> {
    this.#assertOpen();
    checkArguments("eventIdAt", { position: [Position, position] });
    if (position === 0) return "";
    const [event] = await this.#store.read({ after: position - 1, until: position, limit: 1 });
    return event?.seq === position ? event.id : undefined;
  }

  /**
   * Calls `handler` for each new event, in order, once each, whether this
   * process or another one sharing the store appended it. Starts after the
   * current head unless `after` says otherwise (give 0 to replay everything).
   *
   * Events stored at an older version of a type defined with `upcast` steps
   * come in its current shape (see `defineEvent`).
   *
   * If the handler throws, the subscription stops and `onError` is called;
   * `subscription.position` says what was handled. So it does, with an
   * `EventVersionError`, at an event stored at a newer version of its type
   * than the registry's (a newer SDK wrote it), after handling every event before it. If reading the store
   * fails, the subscription retries and `onReadError` hears when the failures
   * start and end.
   *
   * @throws ValidationError naming each malformed or unknown option (`batchSize` not a positive
   *   integer, a negative `after`, `onError` or `onReadError` not a function).
   * @throws ClosedError when the log is closed.
   *
   * @example
   * ```ts
   * const subscription = await log.subscribe((event) => console.log(event.seq, event.type), { types: ["line.added"] });
   * await subscription.close();
   * ```
   */
  async subscribe(
    handler: (event: StoredEvent) => void | Promise<void>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    this.#assertOpen();
    checkArguments("subscribe", { options: [anObject("subscribe options").optional(), options] });
    const parsed = SubscribeOptionsSchema.safeParse(options);
    if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "subscribe options" });
    if (typeof handler !== "function") {
      const issues = [{ path: "handler", message: "expected a function to call with each event" }];
      throw new ValidationError({ message: formatIssues("subscribe", issues), issues });
    }
    const after = options.after ?? (await this.#store.head());
    const subscription = new LogSubscription(
      this.#store,
      (event) => this.registry.upcast(event),
      handler,
      { ...options, after },
      (closed) => this.#subscriptions.delete(closed),
    );
    this.#subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /**
   * Calls `listener` (with no arguments) whenever new events may have landed,
   * from this process or another. A cheap wake-up signal for read models that
   * fold the log themselves; use {@link EventLog.subscribe} to receive events.
   *
   * @returns a function that stops the notifications.
   */
  watch(listener: () => void): () => void {
    this.#assertOpen();
    checkArguments("watch", { listener: [aFunction, listener] });
    return this.#store.watch(listener);
  }

  /**
   * Stops every subscription and closes the store. With `closedBy` (what
   * opened the log with parts over it says when it closes them all, as a
   * factory does), every later call of the log and of those parts throws a
   * `ClosedError` with that message (see {@link EventLog.closedError}).
   *
   * @throws ValidationError when `options` is malformed or has an unknown key.
   */
  async close(options: CloseEventLogOptions = {}): Promise<void> {
    checkArguments("close", {
      options: [strictInput({ closedBy: z.string().min(1).optional() }).optional(), options],
    });
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.#store.close();
    this.#closedBy ??= options.closedBy;
  }

  /**
   * The `ClosedError` a part over this log (the floor plan, the assembly line,
   * the knowledge base) throws when called after it closed: with `message`,
   * the part's own words, unless the log was closed with `closedBy`, whose
   * message it then carries, so a closed factory says the same whichever part answers.
   */
  closedError(message: string): ClosedError {
    return new ClosedError({ message: this.#closedBy ?? message });
  }

  /** Refuses a call once the log was closed with `closedBy`; otherwise the store says it is closed. */
  #assertOpen(): void {
    if (this.#closedBy !== undefined) throw new ClosedError({ message: this.#closedBy });
  }

  /** Same as {@link EventLog.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Opens an event log over the embedded SQLite file (default `.factory/factory.db`),
 * over a given store, or over PostgreSQL when `store` is a `postgres://` URL (or,
 * with neither `store` nor `path`, when `FACTORY_DATABASE_URL` is set).
 *
 * @throws ValidationError naming each malformed or unknown option, an event type that two `events` define
 *   differently, or a `FACTORY_DATABASE_URL` that is no `postgres://` URL.
 * @throws SchemaVersionError when the file was written by a newer SDK.
 * @throws StoreError when the store cannot be opened.
 * @example
 * ```ts
 * const log = await openEventLog({ path: ".factory/factory.db", events: [LineAdded] });
 * await log.append({ type: "line.added", subject: "line_checkout", data: { title: "Checkout" } });
 * await log.close();
 * ```
 */
export async function openEventLog(options: OpenEventLogOptions = {}): Promise<EventLog> {
  const parsed = OpenEventLogOptionsSchema.safeParse(options);
  if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "openEventLog options" });
  const registry = options.registry ?? new EventRegistry();
  // The definitions as checked: `events` may be a generator, which the check read.
  if (parsed.data.events !== undefined) registry.register(...parsed.data.events);
  const store = typeof options.store === "object" ? options.store : await openDefaultStore(options);
  return new EventLog(
    store,
    registry,
    options.clock ?? systemClock,
    options.actor ?? "system",
    options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
  );
}
