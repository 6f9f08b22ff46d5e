/**
 * The storage port of the event log. Adapters (SQLite, in-memory, PostgreSQL)
 * implement it; the {@link EventLog} adds validation, ids, time and subscriptions
 * on top, so an adapter only stores and reads rows.
 *
 * @module
 */

/** An event as stored in the log, with its position. */
export interface StoredEvent<Data = unknown> {
  /** Position in the log, from 1, contiguous. */
  readonly seq: number;
  /** Globally unique id (`evt_...`). */
  readonly id: string;
  /** Registered event type. */
  readonly type: string;
  /** Version of the payload schema the event was written with. */
  readonly v: number;
  /** When the event was appended, ISO 8601 in UTC. */
  readonly at: string;
  /** Operator or agent that caused the change. */
  readonly actor: string;
  /** The entity the event is about. */
  readonly subject: string;
  /** The validated payload. */
  readonly data: Data;
  /** Id of the event that caused this one, if any. */
  readonly causedBy?: string;
}

/** An event ready to be stored: validated, with id and time, waiting for its position. */
export type PreparedEvent = Omit<StoredEvent, "seq">;

/** Options of one atomic append at the storage level. */
export interface StoreAppendOptions {
  /** When set, a second append with the same key stores nothing and returns the first result. */
  readonly idempotencyKey?: string;
  /** Hash of the batch's content, to tell a true retry from a different batch reusing a key. */
  readonly requestHash?: string;
  /** When set, the append fails with a conflict unless the head is exactly this position. */
  readonly expectedHead?: number;
}

/** A query over the log: events after a position, optionally filtered. */
export interface ReadQuery {
  /** Return events with a position greater than this (default 0: from the start). */
  readonly after?: number;
  /** Return events with a position up to and including this. */
  readonly until?: number;
  /** Maximum number of events to return (default 1,000). */
  readonly limit?: number;
  /** Only events of these types. */
  readonly types?: readonly string[];
  /** Only events about these subjects. */
  readonly subjects?: readonly string[];
}

/**
 * A place events are kept. Implementations must make each `append` atomic, keep
 * positions contiguous from 1 in commit order, and call `watch` listeners when
 * the head may have moved, including by other processes sharing the store.
 */
export interface EventStore {
  /** Short adapter name for messages (`sqlite`, `memory`). */
  readonly kind: string;
  /**
   * True when the store was opened read-only: it reads as any other, and
   * refuses every append with a `ReadOnlyError` (unset: it may be written).
   */
  readonly readOnly?: boolean;
  /**
   * Stores a batch atomically and returns it with positions.
   *
   * @throws ConcurrencyConflictError when `expectedHead` is set and differs from the head.
   * @throws IdempotencyConflictError when the key was used before with a different `requestHash`.
   * @throws ReadOnlyError when the store was opened read-only.
   * @throws StoreError when the store fails.
   */
  append(events: readonly PreparedEvent[], options: StoreAppendOptions): Promise<StoredEvent[]>;
  /** Events matching the query, in position order. */
  read(query: ReadQuery): Promise<StoredEvent[]>;
  /** The position of the last stored event, 0 when empty. */
  head(): Promise<number>;
  /** Calls `listener` whenever the head may have moved; returns a function that stops watching. */
  watch(listener: () => void): () => void;
  /** Releases connections and timers. Further calls fail with `ClosedError`. */
  close(): Promise<void>;
}

/** Default number of events one read returns. */
export const DEFAULT_READ_LIMIT = 1000;
