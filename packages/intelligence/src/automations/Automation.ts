import type { NewEvent, StoredEvent, ValidationIssue } from "@software-factory/core";
import { anObject, checkArguments } from "@software-factory/core";
import type * as Effect from "effect/Effect";
import { invalidInput } from "../internal/invalid.js";
import { exclusiveIssues } from "./exclusivePolicy.js";

/** A notification to put in an operator's inbox. */
export interface Notification {
  /** Operator id of the recipient: in a factory, an operator of the floor plan (or one owning a work item). */
  readonly to: string;
  /** One line that says what happened: no newline, tab, escape or other control character, no bidi override. */
  readonly title: string;
  /** Markdown details. */
  readonly body: string;
  /** What the notification is about (`{ kind: "workItem", id }`). */
  readonly ref?: {
    /** What sort of thing it is (`signal`, `artifact`, `line`, `workItem`). */
    readonly kind: string;
    /** Its id. */
    readonly id: string;
  };
  /** Why this operator is told (`owner of checkout`). */
  readonly reason?: string;
}

/** What an automation's handler can do besides reading the services. */
export interface AutomationContext<Services> {
  /** The factory's services, as given to {@link startAutomations}. */
  readonly services: Services;
  /** Name of the automation running. */
  readonly automation: string;
  /**
   * Aborts when the runner closes (`factory.close()`). A handler that waits
   * (a webhook, a model) should pass it on or check it: one that stops
   * because of it leaves its event unhandled, for the next start to handle,
   * and lets the close end at once instead of waiting for the handler. An
   * Effect handler need not: its Effect is interrupted.
   */
  readonly signal: AbortSignal;
  /**
   * Which call of the handler on this event this is: 1 for the first, 2 for
   * the first retry after a throw, up to the automation's `retry.attempts`;
   * each `runner.retry` of a failure counts from 1 again.
   */
  readonly attempt: number;
  /** Queues an event; it lands atomically with the mark that this event was handled. */
  emit(event: NewEvent): void;
  /**
   * Queues a notification into an operator's inbox (an `inbox.notified` event).
   * A notification to an operator the factory does not have (not in its floor
   * plan, owning no work item) fails the handling once the handler returns, as
   * a throw does: it is retried, then recorded among the failures, and no
   * notification of it lands.
   *
   * @throws ValidationError when the notification is malformed or its title is not one line (a newline, tab, escape or bidi override in it).
   */
  notify(notification: Notification): void;
}

/** What an automation's {@link Automation.filter} reads besides the event. */
export interface AutomationFilterContext<Services> {
  /** The factory's services, as given to {@link startAutomations} (`services.log.clock` for an event's age). */
  readonly services: Services;
  /**
   * 0 when the automation reaches the event; from 1, which `runner.retry` of
   * the event's failed handling this is (the `retry` of the mark it writes).
   * A retry is someone's explicit ask, so a filter may let through what it
   * passes over when reaching events (an age limit, say).
   */
  readonly retry: number;
}

/** How often a handler that throws is called again before its event is recorded as failed. */
export interface RetryPolicy {
  /** Handler calls per event, the first included (default 3; 1 never retries). */
  readonly attempts?: number;
  /** Wait before the second call, doubled before each later one, in ms (default 100). */
  readonly backoffMs?: number;
}

/** How an exclusive automation's claim on an event is held (see {@link Automation.exclusive}). */
export interface ExclusivePolicy {
  /**
   * How long a claim whose handling has not been marked holds its event
   * after it was made or last renewed, before another process takes the
   * event over, in ms (default 15 minutes). Its holder renews it every third
   * of the lease while the handler runs (an `automation.renewed` event each),
   * so a handler may run longer than the lease; the lease is how long a
   * holder that died on another host keeps its event. A claim whose process
   * ended is taken over at once by a process on the same host, and one its
   * holder released (its runner closed mid-handling) by any process,
   * whatever the lease. Only a holder whose renewals failed (told to
   * `onError`) or whose process stalled for the whole lease has its event
   * run by a second process too (the mark of whichever finishes first is
   * the event's).
   */
  readonly leaseMs?: number;
}

/** An automation: a handler subscribed to event types, run once per matching event. */
export interface Automation<Services = unknown> {
  /** Unique name, also the key of its durable cursor (`route-new-signals`). */
  readonly name: string;
  /** What it does, for listings. */
  readonly description: string;
  /** Event types it reacts to. */
  readonly on: readonly string[];
  /**
   * Who encoded it (a factory operator): `factory.encodedUsage` counts its
   * handlings for them, and each of its `automation.handled` marks and
   * `automation.advanced` records carries it, so a process that does not run
   * it credits them too.
   */
  readonly author?: string;
  /**
   * Retries of a handler that throws (a model or webhook that is down for a
   * moment): default 3 calls, waiting 100 then 200 ms. Only after the last
   * is the event recorded with outcome `error`; `runner.retry` runs it again.
   * A handler that throws a `PermanentFailureError` (or any error with
   * `retriable: false`) is not called again: its failure is recorded at once.
   */
  readonly retry?: RetryPolicy;
  /**
   * Runs the handler in one process of the factory for each event, for a
   * handler with effects outside the log (a webhook, a ticket, an email)
   * while several processes serve one factory (each editor's `factory mcp`,
   * a cron `factory automations run`). Before its handler runs on an event,
   * a process claims the event with an `automation.claimed` event under an
   * idempotency key; the one whose claim lands runs the handler (with its
   * retries) and marks the handling at once, even when it emitted nothing.
   * The others wait for that mark and move on, or, when the claim is
   * abandoned (released by a holder whose runner closed mid-handling, its
   * process ended, seen from its host, or its lease ran out since it was
   * made or last renewed: its holder renews it every third of the lease while
   * the handler runs), take the event over with a claim of the next
   * generation and run the handler: at least once after a crash. `true` holds claims for the default
   * lease (15 minutes); `{ leaseMs }` sets it. Absent or false: every process
   * runs the handler on every event, and only what it emits lands once. Each
   * handling then appends two more events (the claim, and a mark where a
   * handling that emitted nothing would have none), and a renewal for each
   * third of the lease its handler runs; give a {@link Automation.filter}
   * so that events the handler would skip cost neither.
   */
  readonly exclusive?: boolean | ExclusivePolicy;
  /**
   * Which events of its `on` types the automation acts on: synchronous, and
   * answering from the event alone (and its context: the log's clock for an
   * age), so that every process serving the factory answers alike. An event
   * it answers `false` for is passed over as a handling that emitted nothing
   * is: the handler is not called, nothing is claimed, marked or retried, and
   * the cursor moves past it (recorded with the quiet handlings, 500 at a
   * time). So an `exclusive` automation claims only the events it acts on.
   * A filter that throws, or answers other than `true` or `false` (a Promise,
   * say), fails its event at once: it is marked with outcome `error`,
   * `permanent: true` (the same event fails the same way), the message
   * saying the filter failed, and `failures()` lists it; `runner.retry`
   * asks the filter again (its context's `retry` counting from 1), then runs
   * the handler when it passes (one it now passes over is marked handled
   * with nothing emitted). Absent: every event of its `on` types is acted on.
   */
  filter?(event: StoredEvent, context: AutomationFilterContext<Services>): boolean;
  /**
   * Handles one event. What it emits lands in one batch with the handled mark,
   * so a crash either keeps both or neither: no event is missed, and none
   * lands its emissions twice. Handlings that emit nothing are recorded 500 at
   * a time (and at a close), so after a crash the handler may be called again
   * for those since the last record and decide on what it reads then.
   * Effects outside the log (a webhook) are at-least-once, and run in every
   * process serving the factory unless the automation is `exclusive`. It may return a
   * Promise or an Effect: an Effect that fails or dies is retried and
   * recorded as a handler that throws is (failing with a
   * `PermanentFailureError` skips the retries), and one still running at a close is
   * interrupted (its finalizers run), leaving its event for the next start.
   */
  run(
    event: StoredEvent,
    context: AutomationContext<Services>,
  ): void | Promise<void> | Effect.Effect<void, unknown>;
}

/**
 * Defines an automation.
 *
 * @throws ValidationError (path `name`, `on`, `author`, `exclusive`,
 * `exclusive.leaseMs` or `filter`) when the name is not kebab-case, `on` is
 * empty, `author` is given and is no non-empty string, `exclusive` is neither
 * a boolean nor `{ leaseMs }` with a lease of 1 ms to a year, or `filter` is
 * given and is no function.
 * @example
 * ```ts
 * // floorplan.operator.declared: subject the operator's id, data their declaration
 * // (id, name, email, roles...); it comes again when their declaration changes.
 * const welcome = defineAutomation({
 *   name: "welcome-operators",
 *   description: "Greets each operator the floor plan declares in their inbox.",
 *   on: ["floorplan.operator.declared"],
 *   run: (event, { notify }) => notify({ to: event.subject, title: "Welcome", body: "" }),
 * });
 * ```
 */
export function defineAutomation<Services = unknown>(automation: Automation<Services>): Automation<Services> {
  checkArguments("defineAutomation", { automation: [anObject("an automation definition"), automation] });
  const issues: ValidationIssue[] = [];
  if (typeof automation.name !== "string" || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(automation.name))
    issues.push({
      path: "name",
      message: `automation name "${automation.name}" must be kebab-case, as in route-new-signals`,
    });
  if (!Array.isArray(automation.on) || automation.on.length === 0)
    issues.push({
      path: "on",
      message: `automation "${automation.name}" must react to at least one event type`,
    });
  if (automation.author !== undefined && (typeof automation.author !== "string" || automation.author === ""))
    issues.push({
      path: "author",
      message: `automation "${automation.name}" must name its author as a non-empty string (an operator id), or leave it out`,
    });
  issues.push(...exclusiveIssues(automation.exclusive));
  if (automation.filter !== undefined && typeof automation.filter !== "function")
    issues.push({
      path: "filter",
      message: `automation "${automation.name}" must give its filter as a function of the event answering true or false, or leave it out`,
    });
  if (issues.length > 0) throw invalidInput("automation definition", issues);
  return automation;
}
