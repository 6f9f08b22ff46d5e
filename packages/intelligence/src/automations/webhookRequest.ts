/**
 * What a webhook delivery sends: the body of a notification in either format
 * (`json`, or `slack`'s `{ text }`), and the headers that let a receiver
 * de-duplicate it and check its signature.
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { cutText, type StoredEvent } from "@software-factory/core";
import type { z } from "zod";
import type { InboxNotified } from "./events.js";

/** The body of a `json` webhook delivery: the notification as an inbox lists it, with its event's id, position and time. */
export interface WebhookNotification {
  /** Always `inbox.notified`. */
  readonly type: "inbox.notified";
  /** Id of the `inbox.notified` event, also sent as `Idempotency-Key` and `X-Factory-Event-Id`. */
  readonly id: string;
  /** Its position in the log. */
  readonly seq: number;
  /** When it was sent (ISO 8601). */
  readonly at: string;
  /** Operator id of the recipient. */
  readonly to: string;
  /** Who or what sent it (`automation:route-new-signals`, an operator id). */
  readonly from: string;
  /** One line that says what happened. */
  readonly title: string;
  /** Markdown details. */
  readonly body: string;
  /** What it is about, when it is about one thing. */
  readonly ref?: {
    /** What sort of thing it is (`signal`, `artifact`, `line`, `workItem`). */
    readonly kind: string;
    /** Its id. */
    readonly id: string;
  };
  /** Why the recipient is told, when given. */
  readonly reason?: string;
  /** Id of the event that caused it, when known. */
  readonly causedBy?: string;
}

/** The formats a webhook delivery can send. */
export type WebhookFormat = "json" | "slack";

/** Header carrying the time a signed delivery was sent, in Unix seconds; it is part of the signed text. */
export const TIMESTAMP_HEADER = "x-factory-timestamp";
/** Header carrying `sha256=<hex>`: HMAC-SHA256 with the secret over `<timestamp>.<body>`. */
export const SIGNATURE_HEADER = "x-factory-signature";
/** Headers a delivery sets itself, which `headers` may not set. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  "content-type",
  "content-length",
  "host",
  "idempotency-key",
  "x-factory-event-id",
  TIMESTAMP_HEADER,
  SIGNATURE_HEADER,
]);

/** Longest notification body a `slack` message carries (Slack cuts a message's text at 40,000 characters). */
const SLACK_BODY_CHARS = 3000;

/** An `inbox.notified` event. */
export type Notified = StoredEvent<z.output<(typeof InboxNotified)["schema"]>>;

/** The notification of an `inbox.notified` event as a `json` delivery sends it. */
export function notificationOf(event: Notified): WebhookNotification {
  const { to, title, body, ref, reason } = event.data;
  return {
    type: "inbox.notified",
    id: event.id,
    seq: event.seq,
    at: event.at,
    to,
    from: event.actor,
    title,
    body,
    ...(ref === undefined ? {} : { ref: { kind: ref.kind, id: ref.id } }),
    ...(reason === undefined ? {} : { reason }),
    ...(event.causedBy === undefined ? {} : { causedBy: event.causedBy }),
  };
}

/** Escapes what Slack reads as markup (`&`, `<`, `>`); Mattermost and Teams show the entities as the characters. */
function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * The text of a `slack` delivery: the title in bold, who it is for (and why)
 * and who sent it, the body (cut to 3,000 characters), then what it is about
 * and the notification's id, which `get_inbox` and `factory inbox` show.
 */
export function slackText(notification: WebhookNotification): string {
  const why = notification.reason === undefined ? "" : ` (${notification.reason})`;
  const about = notification.ref === undefined ? "" : `${notification.ref.kind} ${notification.ref.id} · `;
  const lines = [
    `*${escapeSlack(notification.title)}*`,
    escapeSlack(`For ${notification.to}${why} · from ${notification.from}`),
  ];
  if (notification.body.trim() !== "")
    lines.push(escapeSlack(cutText(notification.body, SLACK_BODY_CHARS, "…")));
  lines.push(`_${escapeSlack(`${about}notification ${notification.id}`)}_`);
  return lines.join("\n");
}

/** The body of a delivery, as sent: the exact bytes a signature covers. */
export function deliveryBody(notification: WebhookNotification, format: WebhookFormat): string {
  return JSON.stringify(format === "slack" ? { text: slackText(notification) } : notification);
}

/**
 * The headers of a delivery: a default `User-Agent`, the caller's (named in
 * lower case, so theirs replaces it whatever its case), then the content type and the
 * event id twice (`Idempotency-Key`, `X-Factory-Event-Id`), and with a
 * secret the timestamp and `sha256=` signature over `<timestamp>.<body>`.
 */
export function deliveryHeaders(
  eventId: string,
  body: string,
  secret: string | undefined,
  extra: Readonly<Record<string, string>>,
  now: number,
): Record<string, string> {
  const headers: Record<string, string> = {
    "user-agent": "software-factory-webhook",
    ...Object.fromEntries(Object.entries(extra).map(([name, value]) => [name.toLowerCase(), value])),
    "content-type": "application/json",
    "idempotency-key": eventId,
    "x-factory-event-id": eventId,
  };
  if (secret === undefined) return headers;
  const timestamp = String(Math.floor(now / 1000));
  const signature = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return { ...headers, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `sha256=${signature}` };
}
