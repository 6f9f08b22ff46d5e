/**
 * Running a failed handling again on request (`AutomationRunner.retry`): the
 * event's last mark must say it failed, and the re-run is marked as a retry,
 * once across processes.
 *
 * @module
 */
import { ClosedError, NotFoundError } from "@software-factory/core";
import { invalidInput } from "../internal/invalid.js";
import { decideHandling } from "./decideHandling.js";
import { lastMarks } from "./handledMarks.js";
import type { HandlingScope } from "./runHandler.js";
import type { RetryResult } from "./startAutomations.js";

/**
 * Runs the failed handling of event `eventId` again, for an automation whose
 * cursor is at `position`; see `AutomationRunner.retry`.
 *
 * @throws NotFoundError when the automation has not handled that event.
 * @throws ValidationError (path `event`) when its last handling went well.
 * @throws ClosedError when the worker closed while the handler waited to be retried.
 */
export async function retryHandling<Services>(
  scope: HandlingScope<Services>,
  position: number,
  eventId: string,
): Promise<RetryResult> {
  const { log } = scope;
  const { name } = scope.automation;
  const mark = (await lastMarks(log, new Set([name]), eventId)).values().next().value;
  if (mark === undefined && !(await passed(scope, position, eventId))) {
    throw new NotFoundError({
      message: `automation "${name}" has not handled event "${eventId}" (no such event, or not reached yet)`,
      entity: "event",
      id: eventId,
    });
  }
  // Handled without a mark: its handling emitted nothing.
  if (mark === undefined || mark.outcome === "ok")
    throw invalidInput("retry", [
      { path: "event", message: `automation "${name}" handled event "${eventId}" well: nothing to retry` },
    ]);
  const [event] = await log.read({ after: mark.eventSeq - 1, limit: 1 });
  if (event === undefined || event.id !== eventId) {
    throw new NotFoundError({
      message: `event "${eventId}" is not at position ${mark.eventSeq} of the log`,
      entity: "event",
      id: eventId,
    });
  }
  const decided = await decideHandling(scope, event, mark.marks);
  if (decided === undefined) throw new ClosedError({ message: `automation "${name}" is closing` });
  if (decided.landed) return resultOf(decided);
  // Another retry of this failure landed first: its mark is the outcome.
  const now = (await lastMarks(log, new Set([name]), eventId)).values().next().value;
  return resultOf(now?.outcome === "ok" ? {} : (now ?? {}));
}

/** Whether an event of the automation's types with this id is at or before `position`. */
async function passed<Services>(
  scope: HandlingScope<Services>,
  position: number,
  eventId: string,
): Promise<boolean> {
  if (position === 0) return false;
  for await (const event of scope.log.readAll({ types: scope.automation.on, until: position })) {
    if (event.id === eventId) return true;
  }
  return false;
}

/** The result of a re-run: its error, and whether the handler said it was permanent. */
function resultOf(run: {
  readonly error?: { code: string; message: string } | undefined;
  readonly permanent?: true | undefined;
}): RetryResult {
  const { error, permanent } = run;
  if (error === undefined) return { outcome: "ok" };
  return { outcome: "error", error, ...(permanent === true ? { permanent } : {}) };
}
