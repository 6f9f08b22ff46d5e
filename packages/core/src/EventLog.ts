import { z } from "zod";
import { type Clock, systemClock } from "./Clock.js";
import { hashJson } from "./canonicalJson.js";
import { type EventDefinition, EventRegistry } from "./EventRegistry.js";
import {
  DEFAULT_READ_LIMIT,
  type EventStore,
  type PreparedEvent,
  type ReadQuery,
  type StoredEvent,
} from "./EventStore.js";
import { formatIssues, ValidationError, validationErrorFromZod } from "./errors.js";
import { newId } from "./ids.js";
import { DEFAULT_MAX_EVENT_BYTES, MaxEventBytesSchema, measureEvent } from "./internal/eventSize.js";
import {
  LogSubscription,
  type ReadErrorReport,
  type SubscribeOptions,
  type Subscription,
} from "./internal/LogSubscription.js";
import { CheckedEvent } from "./internal/payloadJson.js";
import { scanPayload } from "./internal/payloadScan.js";
import { unkeptValueIssues } from "./internal/unkeptValues.js";
import { holdsUnstorableText, unstorableTextIssues } from "./internal/unstorableText.js";
import { strictInput } from "./strictInput.js";

export type { ReadErrorReport, SubscribeOptions, Subscription };

/** An event to append: its type, subject and payload; id and time are filled in by the log. */
export interface NewEvent<Data = unknown> {
  /** Registered event type (`line.added`). */
  readonly type: string;
  /** The entity the event is about. */
  readonly subject: string;
  /** Payload, validated against the type's schema before anything is written. */
  readonly data: Data;
  /** Who caused the change; defaults to the append's or the log's actor. */
  readonly actor?: string;
  /** Id of the event this one reacts to. */
  readonly causedBy?: string;
}

/** Options of {@link EventLog.append}. */
export interface AppendOptions {
  /**
   * The same key twice appends once; the second call returns the first call's
   * events. A non-empty string of at most 512 characters.
   */
  readonly idempotencyKey?: string;
  /** Fail with `ConcurrencyConflictError` unless the log's head is exactly this position (a non-negative integer). */
  readonly expectedHead?: number;
  /** Actor for events of this batch that name none (a non-empty string). */
  readonly actor?: string;
}

/** Options of {@link openEventLog}. */
export interface OpenEventLogOptions {
  /** Path of the embedded SQLite file; defaults to `.factory/factory.db`. Ignored when `store` is given. */
  readonly path?: string;
  /**
   * A store to use instead of the SQLite file (`createMemoryEventStore()`, a PostgreSQL store),
   * or a `postgres://` URL to open the PostgreSQL store at. When neither `store` nor `path`
   * is given, the `FACTORY_DATABASE_URL` environment variable, if set, names that URL.
   */
  readonly store?: EventStore | string;
  /** Event types the log accepts. */
  readonly events?: Iterable<EventDefinition>;
  /** A registry to share instead of `events`. */
  readonly registry?: EventRegistry;
  /** Clock used to stamp events; defaults to the system clock. */
  readonly clock?: Clock;
  /** Actor recorded on events that name none; defaults to `system`. */
  readonly actor?: string;
  /** Durability of the SQLite file or of a PostgreSQL store opened from a URL, see their options. */
  readonly durability?: "full" | "normal";
  /**
   * The most bytes one event may take serialized as UTF-8 JSON, payload and metadata
   * (id, type, time, actor, subject, causedBy), whatever the store; an append with a
   * larger event writes nothing. Defaults to {@link DEFAULT_MAX_EVENT_BYTES} (16 MiB);
   * a positive integer of at most 268,435,456 (256 MiB, about what a PostgreSQL jsonb value holds).
   */
  readonly maxEventBytes?: number;
}

/** The default location of the embedded store, relative to the working directory. */
export const DEFAULT_STORE_PATH = ".factory/factory.db";

/**
 * The factory's one ordered log of events, the shared context model every
 * projection is folded from. Validates every payload before it is written,
 * appends batches atomically, and delivers new events to subscribers, whether
 * this process or another one wrote them.
 *
 * Create it with {@link openEventLog}.
 */
export class EventLog implements AsyncDisposable {
  readonly #store: EventStore;
  readonly #clock: Clock;
  readonly #actor: string;
  readonly #maxEventBytes: number;
  readonly #subscriptions = new Set<LogSubscription>();

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
    const checked = AppendOptionsSchema.safeParse(options);
    if (!checked.success) throw validationErrorFromZod(checked.error.issues, { subject: "append options" });
    const batch: readonly NewEvent[] = Array.isArray(events) ? events : [events as NewEvent];
    const prepared = this.#prepare(batch, options.actor ?? this.#actor);
    const key = options.idempotencyKey;
    return this.#store.append(prepared, {
      ...(key === undefined ? {} : { idempotencyKey: key, requestHash: requestHashOf(prepared) }),
      ...(options.expectedHead === undefined ? {} : { expectedHead: options.expectedHead }),
    });
  }

  /**
   * Reads events after a position, in order, optionally filtered by type or subject.
   * Events stored at an older version of a type defined with `upcast` steps
   * come in its current shape (see `defineEvent`).
   *
   * @throws ValidationError naming each malformed or unknown field of the query (a negative `limit`, `subjects` not a list),
   *   or an event whose upcast steps returned a payload its type's schema refuses (see `EventRegistry.upcast`).
   * @example
   * ```ts
   * const page = await log.read({ after: 0, limit: 100, types: ["line.added"] });
   * ```
   */
  async read(query: ReadQuery = {}): Promise<StoredEvent[]> {
    const parsed = ReadQuerySchema.safeParse(query);
    if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "read query" });
    return this.#read(query);
  }

  /**
   * Iterates over every matching event from a position to the head as of the call, page by page.
   * Events stored at an older version of a type defined with `upcast` steps
   * come in its current shape (see `defineEvent`).
   *
   * @throws ValidationError (when iteration starts) naming each malformed or unknown field of the query
   *   (`pageSize` not a positive integer, `types` not a list); while it goes on, naming an event whose upcast
   *   steps returned a payload its type's schema refuses (see `EventRegistry.upcast`).
   */
  async *readAll(
    query: Omit<ReadQuery, "limit"> & { readonly pageSize?: number } = {},
  ): AsyncGenerator<StoredEvent> {
    const parsed = ReadAllQuerySchema.safeParse(query);
    if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "readAll query" });
    const until = query.until ?? (await this.#store.head());
    const pageSize = query.pageSize ?? DEFAULT_READ_LIMIT;
    let after = query.after ?? 0;
    while (after < until) {
      const page = await this.#read({ ...query, after, until, limit: pageSize });
      for (const event of page) yield event;
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.seq ?? until;
    }
  }

  /** The position of the last event, 0 when the log is empty. */
  head(): Promise<number> {
    return this.#store.head();
  }

  /**
   * The id of the event at a position (`""` at 0), or undefined when the log
   * has none there: what a cache records to know it was taken from this log.
   */
  async eventIdAt(position: number): Promise<string | undefined> {
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
   * `subscription.position` says what was handled. If reading the store
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
    const parsed = SubscribeOptionsSchema.safeParse(options);
    if (!parsed.success) throw validationErrorFromZod(parsed.error.issues, { subject: "subscribe options" });
    if (typeof handler !== "function") {
      const issues = [{ path: "handler", message: "expected a function to call with each event" }];
      throw new ValidationError({ message: formatIssues("subscribe", issues), issues });
    }
    const after = options.after ?? (await this.#store.head());
    const subscription = new LogSubscription(this.#upcastingStore, handler, { ...options, after }, (closed) =>
      this.#subscriptions.delete(closed),
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
    return this.#store.watch(listener);
  }

  /** Stops every subscription and closes the store. */
  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    await this.#store.close();
  }

  /** Same as {@link EventLog.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Events as the store has them, read in their types' current shape. */
  async #read(query: ReadQuery): Promise<StoredEvent[]> {
    const events = await this.#store.read(query);
    return events.map((event) => this.registry.upcast(event));
  }

  /** The store, read through {@link EventRegistry.upcast}: what subscriptions read. */
  get #upcastingStore(): EventStore {
    const store = this.#store;
    return {
      kind: store.kind,
      append: (events, options) => store.append(events, options),
      read: (query) => this.#read(query),
      head: () => store.head(),
      watch: (listener) => store.watch(listener),
      close: () => store.close(),
    };
  }

  #prepare(batch: readonly NewEvent[], actor: string): PreparedEvent[] {
    const at = this.#clock.now().toISOString();
    const problems: ValidationError["issues"][number][] = [];
    const prepared: PreparedEvent[] = [];
    batch.forEach((event, index) => {
      const where = batch.length === 1 ? "" : `events[${index}].`;
      if (typeof event !== "object" || event === null) {
        problems.push({ path: where || "(event)", message: "expected an event object" });
        return;
      }
      if (typeof event.subject !== "string" || event.subject === "") {
        problems.push({ path: `${where}subject`, message: "expected a non-empty string" });
      }
      problems.push(...eventFieldIssues(event, where));
      try {
        const { data, version } = this.registry.validate(event.type, event.data);
        let ready = new CheckedEvent({
          id: newId("evt"),
          type: event.type,
          v: version,
          at,
          actor: event.actor ?? actor,
          subject: event.subject,
          data,
          ...(event.causedBy === undefined ? {} : { causedBy: event.causedBy }),
        });
        // An event over the size limit is refused for that alone: searching hundreds of MiB of text takes seconds.
        const scan = scanPayload(data, 2 * this.#maxEventBytes);
        const { payloadJson, issue } = measureEvent(
          ready,
          scan.textLength,
          this.#maxEventBytes,
          where === "" ? "(event)" : where.slice(0, -1),
        );
        if (issue !== undefined) problems.push(issue);
        else {
          const fields = { subject: event.subject, actor: ready.actor, causedBy: event.causedBy, data };
          const unstorable =
            scan.unstorable ||
            [fields.subject, fields.actor, fields.causedBy].some((value) => holdsUnstorableText(value, 1))
              ? unstorableTextIssues(fields, where.slice(0, -1))
              : [];
          problems.push(
            ...(unstorable.length > 0 || !scan.unkept ? unstorable : unkeptValueIssues(data, `${where}data`)),
          );
        }
        // JSON has no -0: every store gives it back as 0, so the log writes (and returns) 0.
        if (scan.negativeZero && payloadJson !== undefined)
          ready = new CheckedEvent({ ...ready, data: JSON.parse(payloadJson) });
        ready.payloadJson = payloadJson;
        prepared.push(ready);
      } catch (error) {
        if (error instanceof ValidationError && batch.length > 1) {
          problems.push(...error.issues.map((issue) => ({ ...issue, path: `${where}${issue.path}` })));
        } else {
          throw error;
        }
      }
    });
    if (problems.length > 0) {
      const detail = problems.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
      throw new ValidationError({ message: `event batch is invalid: ${detail}`, issues: problems });
    }
    return prepared;
  }
}

/** The fields a {@link NewEvent} has; another key is a typo (`causedby`) that would be dropped. */
const EVENT_KEYS: ReadonlySet<string> = new Set(["type", "subject", "data", "actor", "causedBy"]);

/**
 * Issues with an event's own fields but its type, subject and payload: an
 * unknown key, and an `actor` or `causedBy` that is given but no non-empty
 * string (a store would keep `3` as `"3"`, and `""` as nobody).
 */
function eventFieldIssues(event: NewEvent, where: string): ValidationError["issues"][number][] {
  const issues: ValidationError["issues"][number][] = [];
  const unknown = Object.keys(event).filter((key) => !EVENT_KEYS.has(key));
  if (unknown.length > 0) {
    issues.push({
      path: where === "" ? "(event)" : where.slice(0, -1),
      message: `unknown key${unknown.length === 1 ? "" : "s"} ${unknown.map((key) => JSON.stringify(key)).join(", ")}; the keys are ${[...EVENT_KEYS].join(", ")}`,
    });
  }
  for (const field of ["actor", "causedBy"] as const) {
    const value = event[field];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      issues.push({ path: `${where}${field}`, message: "expected a non-empty string" });
    }
  }
  return issues;
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
  if (options.events !== undefined) registry.register(...options.events);
  const store = typeof options.store === "object" ? options.store : await openDefaultStore(options);
  return new EventLog(
    store,
    registry,
    options.clock ?? systemClock,
    options.actor ?? "system",
    options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
  );
}

const position = z.number().int().nonnegative();

/** What {@link EventLog.read} accepts: {@link ReadQuery}, no other field. */
const ReadQuerySchema = strictInput({
  after: position.optional(),
  until: position.optional(),
  limit: z.number().int().positive().optional(),
  types: z.array(z.string()).readonly().optional(),
  subjects: z.array(z.string()).readonly().optional(),
});

/** What {@link EventLog.readAll} accepts: {@link ReadQuery} without `limit`, with `pageSize`. */
const ReadAllQuerySchema = strictInput({
  after: position.optional(),
  until: position.optional(),
  types: z.array(z.string()).readonly().optional(),
  subjects: z.array(z.string()).readonly().optional(),
  pageSize: z.number().int().positive().optional(),
});

/** What {@link EventLog.subscribe} accepts: {@link SubscribeOptions}, no other field. */
const SubscribeOptionsSchema = strictInput({
  after: position.optional(),
  types: z.array(z.string()).readonly().optional(),
  subjects: z.array(z.string()).readonly().optional(),
  batchSize: z.number().int().positive().optional(),
  keepAlive: z.boolean().optional(),
  onError: z.function().optional(),
  onReadError: z.function().optional(),
});

/**
 * Characters an idempotency key of {@link EventLog.append} may have: room for
 * a caller's key under a prefix, and few enough for any store's index
 * (PostgreSQL's b-tree takes some 2700 bytes; 512 characters are at most 2048 bytes of UTF-8).
 */
const MAX_IDEMPOTENCY_KEY_LENGTH = 512;

/** What {@link EventLog.append} accepts: {@link AppendOptions}, no other field. */
const AppendOptionsSchema = strictInput({
  idempotencyKey: z
    .string()
    .min(1, "expected a non-empty string")
    .max(MAX_IDEMPOTENCY_KEY_LENGTH, `expected at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`)
    // What unstorableTextIssues refuses in events, as a regex: a refinement doubles the cost of this check.
    .regex(/^[^\0\p{Cs}]*$/u, "contains a NUL character or a lone surrogate, which cannot be stored")
    .optional(),
  expectedHead: position.optional(),
  actor: z.string().min(1, "expected a non-empty string").optional(),
});

/** An object with the given methods; what the option's type promises is not checked further. */
const objectWith = (what: string, ...methods: PropertyKey[]) =>
  z.custom<object>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      methods.every((method) => typeof (value as Record<PropertyKey, unknown>)[method] === "function"),
    { message: `expected ${what}` },
  );

/** How a PostgreSQL URL starts; the store checks the rest of it. */
const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** A `store` given as a string: a PostgreSQL URL, never a SQLite file, which is `path`. */
const StoreUrlSchema = z
  .string()
  .min(1)
  .refine((value) => POSTGRES_URL.test(value), {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a postgres:// or postgresql:// URL; give a SQLite file as path, or an EventStore object as store`,
  });

/** What {@link openEventLog} accepts: {@link OpenEventLogOptions}, no other field. */
const OpenEventLogOptionsSchema = strictInput({
  path: z.string().min(1).optional(),
  store: z.union([StoreUrlSchema, objectWith("an event store", "append", "read", "head")]).optional(),
  events: objectWith("an iterable of event definitions", Symbol.iterator).optional(),
  registry: objectWith("an EventRegistry", "register", "validate").optional(),
  clock: objectWith("a clock", "now").optional(),
  actor: z.string().min(1).optional(),
  durability: z.enum(["full", "normal"]).optional(),
  maxEventBytes: MaxEventBytesSchema.optional(),
});

function requestHashOf(prepared: readonly PreparedEvent[]): string {
  return hashJson(
    prepared.map(({ type, subject, actor, data, causedBy }) => [type, subject, actor, data, causedBy]),
  );
}

async function openDefaultStore(options: OpenEventLogOptions): Promise<EventStore> {
  const url =
    typeof options.store === "string"
      ? options.store
      : options.path === undefined
        ? process.env.FACTORY_DATABASE_URL || undefined
        : undefined;
  if (url !== undefined && !POSTGRES_URL.test(url)) {
    // Only FACTORY_DATABASE_URL gets here: a store option was checked with the other options.
    const message = `${JSON.stringify(url)} is not a postgres:// or postgresql:// URL; set it to the PostgreSQL URL of the factory, or unset it and give a SQLite file as path`;
    throw new ValidationError({
      message: `FACTORY_DATABASE_URL: ${message}`,
      issues: [{ path: "FACTORY_DATABASE_URL", message }],
    });
  }
  if (url !== undefined) {
    const { openPostgresEventStore } = await import("./postgres/PostgresEventStore.js");
    return openPostgresEventStore({
      url,
      ...(options.durability === undefined ? {} : { durability: options.durability }),
    });
  }
  const { openSqliteEventStore } = await import("./sqlite/SqliteEventStore.js");
  return openSqliteEventStore({
    path: options.path ?? DEFAULT_STORE_PATH,
    ...(options.durability === undefined ? {} : { durability: options.durability }),
  });
}
