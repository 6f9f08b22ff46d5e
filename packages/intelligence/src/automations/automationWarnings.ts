/**
 * What a factory does by default when an automation cannot record how it
 * handled an event: a process warning, once for each event and reason.
 *
 * @module
 */
import type { StoredEvent } from "@software-factory/core";
import { ClaimRenewalError } from "./ClaimRenewalError.js";

/** Code of the process warning that {@link automationWarnings} emits. */
export const AUTOMATION_FAILED_WARNING = "FACTORY_AUTOMATION_FAILED";

/**
 * A handler for `startAutomations`' `onError` that emits a process warning
 * (`process.emitWarning`, code `FACTORY_AUTOMATION_FAILED`) naming the
 * automation, the event and the error (a {@link ClaimRenewalError} says its
 * own message: the claim of an exclusive automation's handler that goes on
 * was not renewed). The automation retries every second; a
 * retry that fails the same way on the same event is not warned of again, so
 * a store that stays broken warns once per event, not once a second.
 */
export function automationWarnings(): (error: unknown, automation: string, event: StoredEvent) => void {
  const warned = new Set<string>();
  return (error, automation, event) => {
    const reason = error instanceof Error ? error.message : String(error);
    const key = JSON.stringify([automation, event.id, reason]);
    if (warned.has(key)) return;
    warned.add(key);
    process.emitWarning(
      error instanceof ClaimRenewalError
        ? reason
        : `automation "${automation}" could not record its handling of event ${event.id} (${event.type}, seq ${event.seq}): ${reason}; it retries every second`,
      { code: AUTOMATION_FAILED_WARNING },
    );
  };
}
