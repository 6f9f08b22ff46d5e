/**
 * What the event log takes from its callers: the events to append, the
 * options of its operations and of {@link openEventLog}, and the schemas each
 * is checked with before anything is done.
 *
 * @module
 */
import { z } from "zod";
import type { Clock } from "./Clock.js";
import type { EventLog, openEventLog } from "./EventLog.js";
import { type EventDefinition, EventDefinitionsSchema, type EventRegistry } from "./EventRegistry.js";
import type { EventStore, ReadQuery } from "./EventStore.js";
import { type DEFAULT_MAX_EVENT_BYTES, MaxEventBytesSchema } from "./internal/eventSize.js";
import type { SubscribeOptions } from "./internal/LogSubscription.js";
import { isPostgresUrl, redactStore } from "./storeUrl.js";
import { strictInput } from "./strictInput.js";

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

const position = z.number().int().nonnegative();

/** What {@link EventLog.read} accepts: {@link ReadQuery}, no other field. */
export const ReadQuerySchema = strictInput({
  after: position.optional(),
  until: position.optional(),
  limit: z.number().int().positive().optional(),
  types: z.array(z.string()).readonly().optional(),
  subjects: z.array(z.string()).readonly().optional(),
});

/** What {@link EventLog.readAll} accepts: {@link ReadQuery} without `limit`, with `pageSize`. */
export const ReadAllQuerySchema = strictInput({
  after: position.optional(),
  until: position.optional(),
  types: z.array(z.string()).readonly().optional(),
  subjects: z.array(z.string()).readonly().optional(),
  pageSize: z.number().int().positive().optional(),
});

/** What {@link EventLog.subscribe} accepts: {@link SubscribeOptions}, no other field. */
export const SubscribeOptionsSchema = strictInput({
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
export const AppendOptionsSchema = strictInput({
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

/** A `store` given as a string: a PostgreSQL URL, never a SQLite file, which is `path`. */
const StoreUrlSchema = z
  .string()
  .min(1)
  .refine(isPostgresUrl, {
    error: (issue) =>
      `${JSON.stringify(redactStore(String(issue.input)))} is not a postgres:// or postgresql:// URL; give a SQLite file as path, or an EventStore object as store`,
  });

/** What {@link openEventLog} accepts: {@link OpenEventLogOptions}, no other field. */
export const OpenEventLogOptionsSchema = strictInput({
  path: z.string().min(1).optional(),
  store: z.union([StoreUrlSchema, objectWith("an event store", "append", "read", "head")]).optional(),
  events: EventDefinitionsSchema.optional(),
  registry: objectWith("an EventRegistry", "register", "validate").optional(),
  clock: objectWith("a clock", "now").optional(),
  actor: z.string().min(1).optional(),
  durability: z.enum(["full", "normal"]).optional(),
  maxEventBytes: MaxEventBytesSchema.optional(),
});
