/**
 * Recording a handling in the log: what its handler emitted and its
 * `automation.handled` mark, in one append. A handling that emits (a routing,
 * a notification) or fails lands its mark in the same append as what it
 * emitted, under an idempotency key made of the automation and the event, so
 * it lands once whichever process, start or retry gets there.
 *
 * @module
 */
import {
  type EventLog,
  IdempotencyConflictError,
  type NewEvent,
  type StoredEvent,
  UnknownEventTypeError,
  ValidationError,
} from "@software-factory/core";
import { AutomationHandled, InboxNotified } from "./events.js";
import { describeError } from "./handlingEvents.js";
import type { Attempted } from "./runHandler.js";

/**
 * Records a handling of `event` by the automation named `automation`: what it
 * emitted and its mark, or only the mark with the error when the handler
 * failed or its output is refused. `retry` is how many marks the event had
 * before (0 the first time); `conditional`: whether a handling that changes
 * the factory requires the log's head to be where it was when the handler
 * began; `author`: the automation's, recorded in the mark when it names one.
 * False when another process recorded this handling first.
 *
 * @throws ConcurrencyConflictError when `conditional` and other events landed meanwhile.
 */
export async function recordHandling(
  log: EventLog,
  automation: string,
  event: StoredEvent,
  attempted: Attempted,
  retry: number,
  conditional: boolean,
  author?: string,
): Promise<boolean> {
  try {
    return await commit(log, automation, event, attempted, retry, conditional, author);
  } catch (thrown) {
    const refused = thrown instanceof ValidationError || thrown instanceof UnknownEventTypeError;
    if (attempted.error !== undefined || !refused) throw thrown;
    // The handler's output was refused (an invalid event, say): record that instead.
    return await commit(
      log,
      automation,
      event,
      { ...attempted, emitted: [], error: describeError(thrown) },
      retry,
      false,
      author,
    );
  }
}

async function commit(
  log: EventLog,
  automation: string,
  event: StoredEvent,
  attempted: Attempted,
  retry: number,
  conditional: boolean,
  author: string | undefined,
): Promise<boolean> {
  const { emitted, error, attempts, permanent } = attempted;
  const changesFactory = emitted.some((next) => next.type !== InboxNotified.type);
  const handled: NewEvent = {
    type: AutomationHandled.type,
    subject: `automation:${automation}`,
    causedBy: event.id,
    data: {
      automation,
      event: event.id,
      eventSeq: event.seq,
      outcome: error === undefined ? "ok" : "error",
      ...(error === undefined ? {} : { error }),
      emitted: emitted.length,
      // No handler call (its filter passed the event over or failed it): no attempts.
      ...(attempts === 0 ? {} : { attempts }),
      ...(error === undefined || permanent !== true ? {} : { permanent }),
      ...(retry === 0 ? {} : { retry }),
      ...(author === undefined ? {} : { author }),
    },
  };
  try {
    await log.append([...emitted.map((next): NewEvent => ({ causedBy: event.id, ...next })), handled], {
      idempotencyKey: `automation:${automation}:${event.id}${retry === 0 ? "" : `:retry:${retry}`}`,
      actor: `automation:${automation}`,
      ...(conditional && changesFactory ? { expectedHead: attempted.head } : {}),
    });
    return true;
  } catch (thrown) {
    // Another process running the same automation handled this event first.
    if (thrown instanceof IdempotencyConflictError) return false;
    throw thrown;
  }
}
