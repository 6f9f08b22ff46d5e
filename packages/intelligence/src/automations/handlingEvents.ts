/**
 * What a handling puts in the log besides the events its handler emitted:
 * its notifications as `inbox.notified` events, and what it threw.
 *
 * @module
 */
import type { NewEvent, StoredEvent } from "@software-factory/core";
import type { Notification } from "./Automation.js";
import { InboxNotified } from "./events.js";

/** The `inbox.notified` event a handler's notification becomes, caused by the event it handled. */
export function notificationEvent(notification: Notification, cause: StoredEvent): NewEvent {
  return {
    type: InboxNotified.type,
    subject: notification.to,
    causedBy: cause.id,
    data: {
      to: notification.to,
      title: notification.title,
      body: notification.body,
      ...(notification.ref === undefined ? {} : { ref: notification.ref }),
      ...(notification.reason === undefined ? {} : { reason: notification.reason }),
    },
  };
}

/** What a handler threw, as a handling's mark records it: its `code` (else `HANDLER_FAILED`) and message. */
export function describeError(error: unknown): { code: string; message: string } {
  if (typeof error === "object" && error !== null) {
    const code = "code" in error && typeof error.code === "string" ? error.code : "HANDLER_FAILED";
    const message = "message" in error && typeof error.message === "string" ? error.message : String(error);
    return { code, message };
  }
  return { code: "HANDLER_FAILED", message: String(error) };
}
