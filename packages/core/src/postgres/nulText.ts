/**
 * The NUL characters PostgreSQL's text columns refuse, found before a batch
 * is sent.
 *
 * @module
 */
import type { PreparedEvent } from "../EventStore.js";
import { ValidationError, type ValidationIssue } from "../errors.js";

/** The events table's text columns an event fills, by the event field that fills them. */
const TEXT_FIELDS = ["id", "type", "at", "actor", "subject", "causedBy"] as const;

/**
 * Refuses a batch whose events hold a NUL character in a field the events
 * table keeps as text, which PostgreSQL cannot store (`invalid byte sequence
 * for encoding "UTF8": 0x00`, with no word of the event or field). The
 * payload is JSON, where a NUL is the escape `\u0000` and is kept as written.
 * An event log refuses such events before they reach a store; a batch that
 * comes from elsewhere (a SQLite log copied by `migrateLog`) is refused here,
 * before anything is written.
 *
 * @throws ValidationError naming each event (index and id) and field.
 */
export function refuseNulText(batch: readonly PreparedEvent[]): void {
  const issues: ValidationIssue[] = [];
  for (const [index, event] of batch.entries()) {
    for (const field of TEXT_FIELDS) {
      const at = event[field]?.indexOf("\0") ?? -1;
      if (at === -1) continue;
      issues.push({
        path: `events[${index}].${field}`,
        message: `event ${JSON.stringify(event.id)}: ${field} contains a NUL character (\\u0000) at index ${at}, which PostgreSQL text cannot hold`,
      });
    }
  }
  if (issues.length === 0) return;
  throw new ValidationError({
    message: `event batch cannot be stored in PostgreSQL, and nothing of it was written: ${issues
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join("; ")}`,
    issues,
  });
}
