/**
 * A store that keeps the events this process wrote, to tell them from those
 * another process sharing the log wrote at the same time.
 *
 * @module
 */
import type { EventStore, StoredEvent } from "@software-factory/core";

/** An {@link EventStore} that also keeps the events its appends stored. */
export interface RecordingStore extends EventStore {
  /**
   * The events appended through this store that it stored, oldest first. An
   * append whose idempotency key another process used first stores nothing:
   * its events are not here.
   */
  readonly written: readonly StoredEvent[];
}

/**
 * Wraps a store so that it keeps the events this process wrote (see
 * {@link RecordingStore.written}); everything else is passed through.
 * An append whose idempotency key was used before returns the events the
 * first append stored, with that append's ids, so a batch counts as written
 * here only when the store returns the ids this process gave it.
 */
export function recordWrites(inner: EventStore): RecordingStore {
  const written: StoredEvent[] = [];
  return {
    kind: inner.kind,
    written,
    append: async (events, options) => {
      const stored = await inner.append(events, options);
      if (stored.length > 0 && stored[0]?.id === events[0]?.id) written.push(...stored);
      return stored;
    },
    read: (query) => inner.read(query),
    head: () => inner.head(),
    watch: (listener) => inner.watch(listener),
    close: () => inner.close(),
  };
}
