/**
 * Handling an event without overriding what changed meanwhile: the handler
 * runs, and what it emitted lands only if nothing about what it changes
 * landed while it ran; else it decides again on the newer state.
 *
 * @module
 */
import { ConcurrencyConflictError, type EventLog, type StoredEvent } from "@software-factory/core";
import { handleExclusively } from "./claimHandling.js";
import { askFilter } from "./eventFilter.js";
import { InboxNotified } from "./events.js";
import { exclusiveLease } from "./exclusivePolicy.js";
import { recordHandling } from "./recordHandling.js";
import { type Attempted, emittedNothing, type HandlingScope, runHandler } from "./runHandler.js";

/**
 * How many times a handling that changes the factory (emits more than
 * notifications) decides again because events about what it changes landed
 * while it ran, before the event is recorded as an error to retry.
 */
const MAX_DECISIONS = 10;

/**
 * A handling, and whether this process's record of it landed; `quiet` when
 * it is left unmarked, for the cursor to record with others (a first
 * handling that emitted nothing, an event the filter passed over).
 */
export type Decided = Attempted & { readonly landed: boolean; readonly quiet?: true };

/**
 * Handles an event and records the handling. A handling that changes the
 * factory (a routing, say) is recorded only if no event about what it
 * changes (the subjects of the events it emits, other than notifications)
 * landed since the handler began; events about other things only move the
 * position it is recorded at. When one did, the handler decides again on
 * the newer state, so a person's routing made meanwhile is not overridden;
 * after {@link MAX_DECISIONS} such decisions the event is recorded as an
 * error (to retry) rather than overriding. `retry` is how many marks the
 * event had before (0 the first time). Whether this process's record landed
 * comes with the attempt (false for a first handling that emitted nothing:
 * the worker records it later, with others); undefined when the worker
 * began to close before it (a retry queued behind the handling in progress
 * then calls neither filter nor handler) or closed while waiting.
 *
 * The automation's filter is asked first (see `askFilter`), told `retry`: an event it
 * passes over is a quiet handling (marked only when it is a re-run), one it
 * fails is marked as failed at once (permanent), in either case with no
 * claim and no handler call.
 *
 * An exclusive automation's handling runs once its claim on the event lands
 * (see `handleExclusively`), and is marked even when it emitted nothing, so
 * that the processes waiting on the claim see it; when another process's
 * mark lands first, that is the handling, not landed by this process.
 */
export async function decideHandling<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
): Promise<Decided | undefined> {
  if (scope.signal.aborted) return undefined;
  const answer = askFilter(scope, event, retry);
  if (answer !== "act")
    return withoutHandler(scope, event, retry, answer === "pass" ? undefined : answer.error);
  const leaseMs = exclusiveLease(scope.automation);
  if (leaseMs === undefined) return decide(scope, event, retry, false);
  return handleExclusively(scope, event, retry, leaseMs, () => decide(scope, event, retry, true));
}

/**
 * Records a handling whose handler is not called: an event the filter passed
 * over (`error` undefined; left to the cursor unless it is a re-run) or
 * failed (`error`, marked permanent).
 */
async function withoutHandler<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  error: Attempted["error"],
): Promise<Decided> {
  const attempted: Attempted = {
    emitted: [],
    error,
    attempts: 0,
    head: 0,
    ...(error === undefined ? {} : { permanent: true as const }),
  };
  if (retry === 0 && error === undefined) return { ...attempted, landed: false, quiet: true };
  const { name, author } = scope.automation;
  return {
    ...attempted,
    landed: await recordHandling(scope.log, name, event, attempted, retry, false, author),
  };
}

/** Handles an event and records the handling (see {@link decideHandling}); `marked`: even when it emitted nothing. */
async function decide<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
  retry: number,
  marked: boolean,
): Promise<Decided | undefined> {
  const { log } = scope;
  const { name, author } = scope.automation;
  for (let decision = 1; decision <= MAX_DECISIONS; decision++) {
    const attempted = await runHandler(scope, event);
    if (attempted === undefined) return undefined;
    // A first handling that emitted nothing is recorded with others (see Cursor); a re-run of a failure is marked.
    if (retry === 0 && !marked && emittedNothing(attempted))
      return { ...attempted, landed: false, quiet: true };
    const subjects = new Set(
      attempted.emitted.filter((next) => next.type !== InboxNotified.type).map((next) => next.subject),
    );
    let head = attempted.head;
    for (;;) {
      try {
        const landed = await recordHandling(log, name, event, { ...attempted, head }, retry, true, author);
        return { ...attempted, landed };
      } catch (thrown) {
        if (!(thrown instanceof ConcurrencyConflictError)) throw thrown;
      }
      const newer = await eventsAfter(log, head);
      if (newer.some((landed) => subjects.has(landed.subject))) break;
      head = newer.at(-1)?.seq ?? head;
    }
  }
  const gaveUp: Attempted = {
    emitted: [],
    error: {
      code: "E_CONFLICT",
      message: `what the handler changes kept changing while it decided (${MAX_DECISIONS} times); retry the event`,
    },
    attempts: MAX_DECISIONS,
    head: 0,
  };
  return { ...gaveUp, landed: await recordHandling(log, name, event, gaveUp, retry, false, author) };
}

/** Every event after a log position, oldest first. */
async function eventsAfter(log: EventLog, position: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await log.read({ after: events.at(-1)?.seq ?? position, limit: 1000 });
    events.push(...page);
    if (page.length < 1000) return events;
  }
}
