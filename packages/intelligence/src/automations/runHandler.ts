/**
 * One run of an automation's handler on an event: again after a backoff while
 * it throws, up to the automation's retry policy, collecting what it emits and
 * noting the log's head it decided on.
 *
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { EventLog, NewEvent, StoredEvent } from "@software-factory/core";
import { callHandler } from "../internal/callHandler.js";
import type { Automation, AutomationContext, Notification } from "./Automation.js";
import { describeError, notificationEvent } from "./handlingEvents.js";
import { checkNotification, expectRecipients, type KnownOperators } from "./notificationChecks.js";
import { isPermanentFailure } from "./PermanentFailureError.js";

const DEFAULT_ATTEMPTS = 3;
const DEFAULT_BACKOFF_MS = 100;

/**
 * What a worker's handlings run with; `signal` aborts when the worker begins
 * to close; `worker` is its id, as its claims name it (see `claimHandling`);
 * `onError` is told of a claim whose renewal failed (see `StartAutomationsOptions.onError`);
 * `operators` are those a notification may go to (see `StartAutomationsOptions.operators`).
 */
export interface HandlingScope<Services> {
  readonly automation: Automation<Services>;
  readonly log: EventLog;
  readonly services: Services;
  readonly signal: AbortSignal;
  readonly worker: string;
  readonly onError: ((error: unknown, automation: string, event: StoredEvent) => void) | undefined;
  readonly operators: KnownOperators | undefined;
}

/** What one run of a handler (with its retries) came to. */
export interface Attempted {
  readonly emitted: readonly NewEvent[];
  readonly error: { code: string; message: string } | undefined;
  readonly attempts: number;
  /** True when the handler's error said it was permanent (`retriable: false`): the attempts left were skipped. */
  readonly permanent?: true;
  /** The log's head before the handler ran: what it decided on, at the least. */
  readonly head: number;
}

/**
 * Runs the handler, again after a backoff while it throws, up to the
 * policy's attempts, and no more once it throws a permanent failure (an
 * error with `retriable: false`, as a `PermanentFailureError`); undefined
 * when the worker closed while waiting, or the handler failed after the
 * close began.
 */
export async function runHandler<Services>(
  scope: HandlingScope<Services>,
  event: StoredEvent,
): Promise<Attempted | undefined> {
  const { automation, signal } = scope;
  const attempts = automation.retry?.attempts ?? DEFAULT_ATTEMPTS;
  const backoff = automation.retry?.backoffMs ?? DEFAULT_BACKOFF_MS;
  const head = await scope.log.head();
  for (let attempt = 1; ; attempt++) {
    const emitted: NewEvent[] = [];
    const notifications: Notification[] = [];
    const context: AutomationContext<Services> = {
      services: scope.services,
      automation: automation.name,
      signal,
      attempt,
      emit: (next) => emitted.push(next),
      notify: (notification: Notification) => {
        // A malformed notification, or a title of several lines, fails the handler where it is queued.
        checkNotification("notify", notification);
        notifications.push(notification);
        emitted.push(notificationEvent(notification, event));
      },
    };
    try {
      await callHandler(() => automation.run(event, context), signal);
      // A notification to an operator there is not fails the handling as a throw would: retried, then recorded.
      await expectRecipients(scope.operators, notifications);
      return { emitted, error: undefined, attempts: attempt, head };
    } catch (thrown) {
      // Failed once the worker began to close (it may have stopped on its signal): left for the next start.
      if (signal.aborted) return undefined;
      // A permanent failure skips the attempts left: it is recorded as the last attempt's would be.
      const permanent = isPermanentFailure(thrown);
      if (permanent || attempt >= attempts)
        return {
          emitted: [],
          error: describeError(thrown),
          attempts: attempt,
          head,
          ...(permanent ? { permanent: true as const } : {}),
        };
    }
    try {
      await sleep(backoff * 2 ** (attempt - 1), undefined, { signal });
    } catch {
      return undefined;
    }
  }
}

/** Whether a handling ran through and emitted nothing: it changes no more than the cursor. */
export function emittedNothing(attempted: Attempted): boolean {
  return attempted.error === undefined && attempted.emitted.length === 0;
}
