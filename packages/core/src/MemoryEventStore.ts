import {
  DEFAULT_READ_LIMIT,
  type EventStore,
  type PreparedEvent,
  type ReadQuery,
  type StoreAppendOptions,
  type StoredEvent,
} from "./EventStore.js";
import { ClosedError } from "./errors.js";
import { concurrencyConflict, idempotencyConflict } from "./internal/conflicts.js";
import { matchesQuery } from "./internal/matchesQuery.js";

interface IdempotencyRecord {
  readonly requestHash: string | undefined;
  readonly firstSeq: number;
  readonly count: number;
}

/**
 * An event store that keeps everything in this process's memory: for tests and
 * ephemeral runs. Nothing survives `close()`.
 *
 * @example
 * ```ts
 * const log = await openEventLog({ store: createMemoryEventStore(), events: [LineAdded] });
 * ```
 */
export function createMemoryEventStore(): EventStore {
  const events: StoredEvent[] = [];
  const keys = new Map<string, IdempotencyRecord>();
  const listeners = new Set<() => void>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new ClosedError({ message: "the memory event store is closed" });
  };

  return {
    kind: "memory",
    async append(batch: readonly PreparedEvent[], options: StoreAppendOptions): Promise<StoredEvent[]> {
      ensureOpen();
      if (options.idempotencyKey !== undefined) {
        const previous = keys.get(options.idempotencyKey);
        if (previous !== undefined) {
          if (previous.requestHash !== options.requestHash) {
            throw idempotencyConflict(options.idempotencyKey);
          }
          return events.slice(previous.firstSeq - 1, previous.firstSeq - 1 + previous.count);
        }
      }
      if (options.expectedHead !== undefined && options.expectedHead !== events.length) {
        throw concurrencyConflict(options.expectedHead, events.length);
      }
      const firstSeq = events.length + 1;
      const stored = batch.map((event, index) => ({ ...event, seq: firstSeq + index }));
      events.push(...stored);
      if (options.idempotencyKey !== undefined && stored.length > 0) {
        keys.set(options.idempotencyKey, {
          requestHash: options.requestHash,
          firstSeq,
          count: stored.length,
        });
      }
      if (stored.length > 0) for (const listener of listeners) listener();
      return stored;
    },
    async read(query: ReadQuery): Promise<StoredEvent[]> {
      ensureOpen();
      const limit = query.limit ?? DEFAULT_READ_LIMIT;
      const out: StoredEvent[] = [];
      const until = Math.min(query.until ?? events.length, events.length);
      for (let seq = (query.after ?? 0) + 1; seq <= until && out.length < limit; seq++) {
        const event = events[seq - 1];
        if (event !== undefined && matchesQuery(event, query)) out.push(event);
      }
      return out;
    },
    async head(): Promise<number> {
      ensureOpen();
      return events.length;
    },
    watch(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(): Promise<void> {
      closed = true;
      listeners.clear();
    },
  };
}
