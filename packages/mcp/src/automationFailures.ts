/**
 * The failed handlings of every automation of a factory, read from its log:
 * what `factory automations failures` prints and the
 * `factory://automations/failures` resource answers, whichever process ran
 * the automations (a `factory mcp --notify-webhook`, `factory automations
 * run`, an SDK program), so neither needs them running.
 *
 * @module
 */
import { anObject, checkArguments, type StoredEvent } from "@software-factory/core";
import { AutomationAdvanced, AutomationHandled, type Factory } from "@software-factory/intelligence";
import { z } from "zod";

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
  /** Handler calls the last handling took; null in marks written before they were counted. */
  readonly attempts: number | null;
  /** Retries of the failure that failed again (0: the first handling failed, and no retry since). */
  readonly retries: number;
  /** When the last handling was recorded as failed, ISO 8601 in UTC. */
  readonly failedAt: string;
}

/** What {@link automationFailures} found. */
export interface AutomationFailures {
  /** Every automation the log has records of (handlings, or positions reached), sorted. */
  readonly automations: readonly string[];
  /** The failed handlings, of the one automation asked about or of all, by event position, then automation. */
  readonly failures: readonly FailedHandling[];
}

/**
 * The events whose last `automation.handled` mark says their handling failed,
 * by any automation that ever ran on the factory (or the one named), read
 * from the log, with each event's type, subject and time.
 *
 * @throws ValidationError when `factory` is not an object, or `automation` is given and not a non-empty string.
 * @example
 * ```ts
 * const { failures } = await automationFailures(factory, "deliver-notifications");
 * // [{ automation: "deliver-notifications", event: { id: "evt_...", type: "inbox.notified", ... }, permanent: true, ... }]
 * ```
 */
export async function automationFailures(
  factory: Pick<Factory, "log">,
  automation?: string,
): Promise<AutomationFailures> {
  checkArguments("automationFailures", {
    factory: [anObject("a factory (openFactory's result)"), factory],
    automation: [z.string().min(1).optional(), automation],
  });
  const { log } = factory;
  const names = new Set<string>();
  const last = new Map<string, StoredEvent>();
  for await (const record of log.readAll({ types: [AutomationHandled.type, AutomationAdvanced.type] })) {
    if (AutomationAdvanced.is(record)) names.add(record.data.automation);
    if (!AutomationHandled.is(record)) continue;
    names.add(record.data.automation);
    if (automation === undefined || record.data.automation === automation)
      last.set(`${record.data.automation}\u0000${record.data.event}`, record);
  }
  const failures: FailedHandling[] = [];
  for (const mark of last.values()) {
    if (!AutomationHandled.is(mark) || mark.data.outcome === "ok") continue;
    const { data } = mark;
    const [read] = await log.read({ after: data.eventSeq - 1, limit: 1 });
    // An event is where its mark says; the fallbacks only keep a mangled log readable.
    const event = read?.id === data.event ? read : undefined;
    failures.push({
      automation: data.automation,
      event: {
        id: data.event,
        seq: data.eventSeq,
        type: event?.type ?? "unknown",
        subject: event?.subject ?? "unknown",
        at: event?.at ?? mark.at,
      },
      error: data.error ?? { code: "HANDLER_FAILED", message: "unknown error" },
      permanent: data.permanent === true,
      attempts: data.attempts ?? null,
      retries: data.retry ?? 0,
      failedAt: mark.at,
    });
  }
  failures.sort((a, b) => a.event.seq - b.event.seq || a.automation.localeCompare(b.automation));
  return { automations: [...names].sort(), failures };
}
