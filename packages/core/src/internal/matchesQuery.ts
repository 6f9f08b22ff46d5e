import type { ReadQuery, StoredEvent } from "../EventStore.js";

/** Tells whether an event passes a query's type and subject filters. */
export function matchesQuery(event: StoredEvent, query: ReadQuery): boolean {
  if (query.types !== undefined && !query.types.includes(event.type)) return false;
  if (query.subjects !== undefined && !query.subjects.includes(event.subject)) return false;
  return true;
}
