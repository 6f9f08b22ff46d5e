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
    /**
     * Handler calls it took (retries of a handler that threw included);
     * absent when the handler was not called (the automation's filter failed
     * the event, or passed it over on a re-run) and in marks of older logs.
     */
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

/**
 * What names one claim of an exclusive automation, as its claim, renewals
 * and release carry it: the automation, the event and its position, which
 * re-run and which generation of the handling, and the worker holding it.
 */
const CLAIM = {
  /** Name of the automation. */
  automation: z.string().min(1),
  /** Id of the event claimed. */
  event: z.string().min(1),
  /** Position of that event in the log. */
  eventSeq: z.number().int().positive(),
  /** Which claim of this handling it is: 1 first, one more for each takeover of an abandoned claim. */
  generation: z.number().int().positive(),
  /** Which re-run by `runner.retry` it is for (as its mark's `retry`); absent for the first handling. */
  retry: z.number().int().positive().optional(),
  /** A random id of the automation's worker in the holding process, which a close ends. */
  worker: z.string().min(1),
};

/**
 * Claims one event for one process of an exclusive automation (its
 * `exclusive` option), before its handler runs on it: appended under an
 * idempotency key made of the automation, the event, the re-run (`retry`)
 * and the claim's `generation`, so of the processes serving a factory one
 * claims each generation and runs the handler. The others wait for the
 * holder's {@link AutomationHandled} mark, or take the event over with the
 * next generation once the claim is abandoned: released
 * ({@link AutomationReleased}), its process ended (seen from its host), or
 * neither it nor its last renewal ({@link AutomationRenewed}) younger than
 * the automation's lease.
 */
export const AutomationClaimed = defineEvent(
  "automation.claimed",
  z.object({
    ...CLAIM,
    /** Host name of the claiming process's machine. */
    host: z.string().min(1),
    /** Its process id on that host. */
    pid: z.number().int().nonnegative(),
    /** A random id of that process, telling it apart from a later one with the same process id. */
    instance: z.string().min(1),
  }),
);

/**
 * Renews one process's claim ({@link AutomationClaimed}) on an event while
 * its handler runs: appended every third of the automation's lease until the
 * handling is marked or released, so the processes waiting on the claim count
 * the lease from the last renewal, and a handler running longer than the
 * lease is not taken over while its process lives. Each is appended under an
 * idempotency key of its own (the claim's, and a random id kept until it
 * lands), so a renewal whose append is retried lands once.
 */
export const AutomationRenewed = defineEvent("automation.renewed", z.object(CLAIM));

/**
 * Gives up one process's claim ({@link AutomationClaimed}) on an event whose
 * handling it did not mark: its worker closed (`factory.close()`) while the
 * handler waited or after it heeded its `signal`, or its record failed. The
 * processes waiting on that claim take the event over at once, with the next
 * generation, instead of waiting for the lease. Best effort: a release that
 * does not land leaves the claim to the lease (or to its process's end).
 */
export const AutomationReleased = defineEvent("automation.released", z.object(CLAIM));

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
export const automationEvents = [
  AutomationHandled,
  AutomationAdvanced,
  AutomationClaimed,
  AutomationRenewed,
  AutomationReleased,
  InboxNotified,
  InboxRead,
] as const;
