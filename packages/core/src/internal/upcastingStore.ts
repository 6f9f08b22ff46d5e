import type { EventRegistry } from "../EventRegistry.js";
import type { EventStore, ReadQuery, StoredEvent } from "../EventStore.js";

/**
 * `store`, read through {@link EventRegistry.upcast}: events stored at an
 * older version of a type defined with upcast steps come in its current
 * shape. What the log and its subscriptions read.
 */
export function upcastingStore(store: EventStore, registry: EventRegistry): EventStore {
  /** Events as the store has them, read in their types' current shape. */
  const read = async (query: ReadQuery): Promise<StoredEvent[]> => {
    const events = await store.read(query);
    return events.map((event) => registry.upcast(event));
  };
  return {
    kind: store.kind,
    append: (events, options) => store.append(events, options),
    read,
    head: () => store.head(),
    watch: (listener) => store.watch(listener),
    close: () => store.close(),
  };
}
