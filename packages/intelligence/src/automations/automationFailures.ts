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
import { builtinAutomations } from "./builtinAutomations.js";
import { cursorsAndLastMarks, type HandledMark } from "./handledMarks.js";
import { DELIVER_NOTIFICATIONS } from "./webhookDelivery.js";

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
  /**
   * The failed handlings, of the one automation asked about or of all, by
   * event position, then automation; with a page, only the failures of that
   * page.
   */
  readonly failures: readonly FailedHandling[];
  /** How many failed handlings there are in all (of the automation asked about), whatever the page. */
  readonly count: number;
}

/**
 * Which of the failures {@link readAutomationFailures} answers, counting
 * from the newest (the last by event position): the newest `limit` of them,
 * or, with `skip`, the `limit` before the newest `skip`; so page `n` of `limit`
 * is `{ limit, skip: (n - 1) * limit }`.
 */
export interface AutomationFailuresPage {
  /** Failures to answer at most (default all). */
  readonly limit?: number;
  /** Newest failures to leave out before them (default 0). */
  readonly skip?: number;
}

/** The page {@link readAutomationFailures} takes. */
const Page = z
  .strictObject({
    limit: z.number().int().min(1).optional(),
    skip: z.number().int().min(0).optional(),
  })
  .optional();

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
 * `factory.automations.retry(automation, eventId)` runs one again. The log's
 * marks are read once; of the failures, only those of `page` (default all)
 * have their event read, so a page of a factory with thousands of failures
 * costs that one read and as many event reads as the page has failures.
 *
 * @throws ValidationError when `log` is not an event log, `automation` is given and not a non-empty string,
 *   or `page` is given and not `{ limit?, skip? }` of whole numbers (`limit` at least 1).
 * @example
 * ```ts
 * const { failures, count } = await readAutomationFailures(factory.log, "deliver-notifications", { limit: 20 });
 * // failures: the newest 20 of count, oldest first
 * // [{ automation: "deliver-notifications", event: { id: "evt_...", type: "inbox.notified", ... }, permanent: true, ... }]
 * ```
 */
export async function readAutomationFailures(
  log: EventLog,
  automation?: string,
  page?: AutomationFailuresPage,
): Promise<AutomationFailures> {
  checkArguments("readAutomationFailures", {
    log: [withMethods("an event log (openEventLog's result)", "read", "readAll"), log],
    automation: [z.string().min(1).optional(), automation],
    page: [Page, page],
  });
  const { cursors, last } = await cursorsAndLastMarks(
    log,
    automation === undefined ? undefined : new Set([automation]),
  );
  const all = failuresOf(last);
  const end = all.length - (page?.skip ?? 0);
  const shown = all.slice(Math.max(0, end - (page?.limit ?? all.length)), Math.max(0, end));
  const failures: FailedHandling[] = [];
  for (const { failure, mark } of shown) {
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
  return { automations: [...cursors.keys()].sort(), failures, count: all.length };
}

/**
 * The automations whose failures a factory may be asked about, sorted: the
 * built-in ones, the webhook delivery's default name (`deliver-notifications`)
 * and `recorded`, the automations its log has records of (what
 * {@link readAutomationFailures} answers as `automations`). What `factory
 * automations failures --automation` and `factory://automations/failures/{automation}`
 * take; another name is a mistake, named with the ones near it.
 *
 * @throws ValidationError when `recorded` is not a list of strings.
 * @example
 * ```ts
 * const { automations } = await readAutomationFailures(factory.log);
 * automationNames(automations).includes("tell-pager"); // true once tell-pager ran on the factory
 * ```
 */
export function automationNames(recorded: readonly string[]): string[] {
  checkArguments("automationNames", { recorded: [z.array(z.string()), recorded] });
  return [
    ...new Set([
      ...builtinAutomations.map((automation) => automation.name),
      DELIVER_NOTIFICATIONS,
      ...recorded,
    ]),
  ].sort();
}
