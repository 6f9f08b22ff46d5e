import { defineEvent } from "@software-factory/core";
import { z } from "zod";

/**
 * Marks one event as handled by one automation; lands in the same batch as
 * what the handler emitted. An event whose handling failed may get later
 * marks from `runner.retry`; the last mark of an event says how it stands.
 *
 * Written for a handling that emitted something, failed, or re-ran a failure.
 * One that emitted nothing is counted by the next {@link AutomationAdvanced}
 * instead; logs written before that have a mark with `emitted: 0` for each
 * such handling, which still reads as handled.
 */
export const AutomationHandled = defineEvent(
  "automation.handled",
  z.object({
    /** Name of the automation. */
    automation: z.string().min(1),
    /** Id of the event it handled. */
    event: z.string().min(1),
    /** Position of that event in the log. */
    eventSeq: z.number().int().positive(),
    /** `ok` when the handler ran through, `error` when it threw. */
    outcome: z.enum(["ok", "error"]),
    /** What the handler threw, when the outcome is `error`. */
    error: z
      .object({
        /** The error's `code`, or `HANDLER_FAILED` when it had none. */
        code: z.string(),
        /** The error's message. */
        message: z.string(),
      })
      .optional(),
    /** Events the handler emitted in the same batch (0 on error). */
    emitted: z.number().int().nonnegative(),
    /** Handler calls it took (retries of a handler that threw included). */
    attempts: z.number().int().positive().optional(),
    /**
     * True when the handler failed saying the failure is permanent (a
     * `PermanentFailureError`, or any error with `retriable: false`): the
     * attempts its retry policy had left were skipped. Absent otherwise.
     */
    permanent: z.literal(true).optional(),
    /** Which re-run by `runner.retry` this is (1 for the first); absent for the first handling. */
    retry: z.number().int().positive().optional(),
    /**
     * Who encoded the automation (its `author`), when it names one, so the
     * use of what factory operators encoded is read from the log alone;
     * absent in marks written before automations named an author.
     */
    author: z.string().optional(),
  }),
);

/**
 * Moves one automation's durable cursor: every event of its types up to
 * `position` is handled. Written for every 500 events the automation
 * handled without emitting anything, and when it closes, instead of an
 * {@link AutomationHandled} mark for each: a first run over a factory's whole
 * history writes a few of these, not one per event.
 */
export const AutomationAdvanced = defineEvent(
  "automation.advanced",
  z.object({
    /** Name of the automation. */
    automation: z.string().min(1),
    /** Log position up to which every event of its types is handled. */
    position: z.number().int().positive(),
    /** Events it handled, emitting nothing, since its previous mark or advance in this process. */
    handled: z.number().int().positive(),
    /** Who encoded the automation, when it names one (see {@link AutomationHandled}'s `author`). */
    author: z.string().optional(),
  }),
);

/** A notification put in an operator's inbox. */
export const InboxNotified = defineEvent(
  "inbox.notified",
  z.object({
    /** The operator told. */
    to: z.string().min(1),
    /** One line to show in a list. */
    title: z.string().min(1),
    /** The details, as markdown. */
    body: z.string(),
    /** What the notification is about, when it is about one thing. */
    ref: z
      .object({
        /** What sort of thing it is (`signal`, `artifact`, `line`). */
        kind: z.string().min(1),
        /** Its id. */
        id: z.string().min(1),
      })
      .optional(),
    /** Why this operator is told (`owner of checkout`), when given. */
    reason: z.string().optional(),
  }),
);

/** An operator read (acknowledged) notifications of their inbox. */
export const InboxRead = defineEvent(
  "inbox.read",
  z.object({
    /** The operator who read them. */
    to: z.string().min(1),
    /** Ids of the `inbox.notified` events read; at least one. */
    notifications: z.array(z.string().min(1)).min(1),
  }),
);

/** Every event type the automations and the inbox append. */
export const automationEvents = [AutomationHandled, AutomationAdvanced, InboxNotified, InboxRead] as const;
