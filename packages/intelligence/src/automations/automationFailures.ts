/**
 * The failed handlings of automations, read from the log's
 * `automation.handled` marks: what a runner's `failures()` lists for its own
 * automations, and what {@link readAutomationFailures} lists for every
 * automation that ran on a factory, whichever process ran it (what
 * `factory automations failures` prints and the MCP resource
 * `factory://automations/failures` answers).
 *
 * @module
 */
import { checkArguments, type EventLog, withMethods } from "@software-factory/core";
import { z } from "zod";
import { type HandledMark, lastMarks, readCursors } from "./handledMarks.js";

/** An event whose last handling by an automation failed, after every attempt. */
export interface AutomationFailure {
  /** Name of the automation. */
  readonly automation: string;
  /** Id of the event. */
  readonly event: string;
  /** Position of the event in the log. */
  readonly eventSeq: number;
  /** What the handler threw the last time. */
  readonly error: {
    /** The error's `code` (`E_NOT_FOUND`...), or `HANDLER_FAILED` when it had none. */
    readonly code: string;
    /** The error's message. */
    readonly message: string;
  };
  /**
   * True when the handler said the failure was permanent (it threw a
   * `PermanentFailureError`, or an error with `retriable: false`), so it was
   * recorded without the attempts its retry policy had left; absent when it
   * failed every attempt.
   */
  readonly permanent?: true;
}

/**
 * An event whose last handling by an automation failed, after every attempt
 * (or at once, when the handler said the failure is permanent), with the
 * event and what went wrong; retried successfully, it is no longer one.
 */
export interface FailedHandling {
  /** Name of the automation. */
  readonly automation: string;
  /** The event it failed to handle. */
  readonly event: {
    /** Its id, which a retry names. */
    readonly id: string;
    /** Its position in the log. */
    readonly seq: number;
    /** Its type (`signal.captured`, `inbox.notified`...). */
    readonly type: string;
    /** What it is about (`signal:sig_...`, `operator:ana`...). */
    readonly subject: string;
    /** When it was appended, ISO 8601 in UTC. */
    readonly at: string;
  };
  /** What the handler threw the last time. */
  readonly error: {
    /** The error's `code` (`E_WEBHOOK_DELIVERY`...), or `HANDLER_FAILED` when it had none. */
    readonly code: string;
    /** The error's message. */
    readonly message: string;
  };
  /** True when the handler said the failure is permanent (`retriable: false`), so its attempts left were skipped. */
  readonly permanent: boolean;
  /**
   * Handler calls the last handling took: 0 when the automation's filter
   * failed the event (the handler was not called); null in marks written
   * before they were counted.
   */
  readonly attempts: number | null;
  /** Retries of the failure that failed again (0: the first handling failed, and no retry since). */
  readonly retries: number;
  /** When the last handling was recorded as failed, ISO 8601 in UTC. */
  readonly failedAt: string;
}

/** What {@link readAutomationFailures} found. */
export interface AutomationFailures {
  /** Every automation the log has records of (handlings, or positions reached), sorted. */
  readonly automations: readonly string[];
  /** The failed handlings, of the one automation asked about or of all, by event position, then automation. */
  readonly failures: readonly FailedHandling[];
}

/** A failure as the runner lists it, with the mark it was read from. */
interface MarkedFailure {
  /** The failure. */
  readonly failure: AutomationFailure;
  /** The last mark of its event, which says it failed. */
  readonly mark: HandledMark;
}

/**
 * The failures the last marks of `lastMarks` record (those whose outcome is
 * `error`), by event position, then automation.
 */
export function failuresOf(last: ReadonlyMap<string, HandledMark>): MarkedFailure[] {
  return [...last.values()]
    .filter((mark) => mark.outcome === "error")
    .sort((a, b) => a.eventSeq - b.eventSeq || a.automation.localeCompare(b.automation))
    .map((mark) => ({
      failure: {
        automation: mark.automation,
        event: mark.event,
        eventSeq: mark.eventSeq,
        error: mark.error ?? { code: "HANDLER_FAILED", message: "unknown error" },
        ...(mark.permanent === true ? { permanent: true as const } : {}),
      },
      mark,
    }));
}

/**
 * The events whose last `automation.handled` mark says their handling
 * failed, by any automation that ever ran on the factory (or the one named),
 * read from its log, with each event's type, subject and time: whichever
 * process ran the automations (a `factory mcp --notify-webhook`, `factory
 * automations run`, an SDK program), none needs to be running. An
 * automation's own runner lists its failures as `factory.automations.failures()`;
 * `factory.automations.retry(automation, eventId)` runs one again.
 *
 * @throws ValidationError when `log` is not an event log, or `automation` is given and not a non-empty string.
 * @example
 * ```ts
 * const { failures } = await readAutomationFailures(factory.log, "deliver-notifications");
 * // [{ automation: "deliver-notifications", event: { id: "evt_...", type: "inbox.notified", ... }, permanent: true, ... }]
 * ```
 */
export async function readAutomationFailures(
  log: EventLog,
  automation?: string,
): Promise<AutomationFailures> {
  checkArguments("readAutomationFailures", {
    log: [withMethods("an event log (openEventLog's result)", "read", "readAll"), log],
    automation: [z.string().min(1).optional(), automation],
  });
  const [cursors, last] = await Promise.all([
    readCursors(log),
    lastMarks(log, automation === undefined ? undefined : new Set([automation])),
  ]);
  const failures: FailedHandling[] = [];
  for (const { failure, mark } of failuresOf(last)) {
    const [read] = await log.read({ after: failure.eventSeq - 1, limit: 1 });
    // An event is where its mark says; the fallbacks only keep a mangled log readable.
    const event = read?.id === failure.event ? read : undefined;
    failures.push({
      automation: failure.automation,
      event: {
        id: failure.event,
        seq: failure.eventSeq,
        type: event?.type ?? "unknown",
        subject: event?.subject ?? "unknown",
        at: event?.at ?? mark.at,
      },
      error: failure.error,
      permanent: failure.permanent === true,
      // A mark without attempts is a filter's failure (always permanent), or older than attempts were counted (and than permanent).
      attempts: mark.attempts ?? (mark.permanent === true ? 0 : null),
      retries: mark.retry ?? 0,
      failedAt: mark.at,
    });
  }
  return { automations: [...cursors.keys()].sort(), failures };
}
