import { defineEvent } from "@software-factory/core";
import { z } from "zod";

/**
 * Marks one event as handled by one automation; lands in the same batch as
 * what the handler emitted. An event whose handling failed may get later
 * marks from `runner.retry`; the last mark of an event says how it stands.
 */
export const AutomationHandled = defineEvent(
  "automation.handled",
  z.object({
    automation: z.string().min(1),
    event: z.string().min(1),
    eventSeq: z.number().int().positive(),
    outcome: z.enum(["ok", "error"]),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    emitted: z.number().int().nonnegative(),
    /** Handler calls it took (retries of a handler that threw included). */
    attempts: z.number().int().positive().optional(),
    /** Which re-run by `runner.retry` this is (1 for the first); absent for the first handling. */
    retry: z.number().int().positive().optional(),
  }),
);

/** A notification put in an operator's inbox. */
export const InboxNotified = defineEvent(
  "inbox.notified",
  z.object({
    to: z.string().min(1),
    title: z.string().min(1),
    body: z.string(),
    ref: z.object({ kind: z.string().min(1), id: z.string().min(1) }).optional(),
    reason: z.string().optional(),
  }),
);

/** An operator read (acknowledged) notifications of their inbox. */
export const InboxRead = defineEvent(
  "inbox.read",
  z.object({ to: z.string().min(1), notifications: z.array(z.string().min(1)).min(1) }),
);

/** Every event type the automations and the inbox append. */
export const automationEvents = [AutomationHandled, InboxNotified, InboxRead] as const;
