/**
 * Delivering inbox notifications to a webhook (Slack, Mattermost, Teams, or
 * any receiver of JSON): an automation on `inbox.notified` whose durable
 * cursor and retries come from the automation runner.
 *
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { checkArguments, defineEvent, strictInput } from "@software-factory/core";
import * as Data from "effect/Data";
import { z } from "zod";
import type { Factory } from "../factory/openFactory.js";
import { parseInput } from "../internal/parse.js";
import { type Automation, defineAutomation, type RetryPolicy } from "./Automation.js";
import { InboxNotified } from "./events.js";
import {
  deliveryBody,
  deliveryHeaders,
  type Notified,
  notificationOf,
  RESERVED_HEADERS,
  type WebhookFormat,
} from "./webhookRequest.js";

/** Name a webhook delivery's automation has unless `name` says otherwise. */
export const DELIVER_NOTIFICATIONS = "deliver-notifications";

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY = { attempts: 5, backoffMs: 1000 } as const;
/** Longest `Retry-After` a delivery waits for before its next attempt. */
const MAX_RETRY_AFTER_MS = 60_000;
/**
 * A delivery's claim lease: a minute. Its holder renews the claim every 20
 * seconds while a post and its retries run, however long they take, so the
 * lease only says how soon a holder that died on another host is taken over.
 */
const DELIVERY_LEASE_MS = 60_000;

/** Options of {@link makeWebhookDelivery}. */
export interface WebhookDeliveryOptions {
  /**
   * The http(s) URL to POST each notification to: a Slack, Mattermost or
   * Teams incoming webhook, or your own receiver. Messages and errors name
   * its host only, never its path (a Slack webhook's path is its secret).
   */
  readonly url: string;
  /**
   * `json` (default): the notification as a {@link WebhookNotification}.
   * `slack`: `{ "text": ... }`, which Slack, Mattermost and Teams incoming
   * webhooks read: title, recipient and sender, body, and the notification's id.
   */
  readonly format?: WebhookFormat;
  /**
   * Signs each delivery: `X-Factory-Timestamp` (Unix seconds) and
   * `X-Factory-Signature: sha256=<hex>`, HMAC-SHA256 with this secret over
   * `<timestamp>.<body>` (the exact bytes sent). Never shown in a message.
   */
  readonly secret?: string;
  /** Only notifications to these operator ids (default: every recipient's). */
  readonly to?: readonly string[];
  /** More headers to send (an `Authorization`, say); the ones a delivery sets itself are refused. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Time the receiver has to answer before the attempt fails and is retried (default 10,000 ms). */
  readonly timeoutMs?: number;
  /**
   * Name of the automation, the key of its durable cursor (default
   * `deliver-notifications`); give each webhook of a factory its own, and
   * keep it when the URL changes, or the new name starts from the log's beginning.
   */
  readonly name?: string;
  /** Attempts per notification and the backoff between them (default 5 attempts, waiting 1, 2, 4 then 8 s). */
  readonly retry?: RetryPolicy;
  /**
   * Skips notifications older than this when the automation reaches them
   * (default: none is skipped), so a first start over a long history does
   * not post every notification the factory ever sent. The age is read by
   * the factory's clock (`factory.log.clock`), which stamped them. An
   * explicit retry of a failed delivery (`factory.automations.retry`) posts
   * it whatever its age.
   */
  readonly maxAgeMs?: number;
}

const OptionsSchema = strictInput({
  url: z
    .url({ protocol: /^https?$/, error: "url must be an http or https URL" })
    .refine((url) => !/^https?:\/\/[^/?#]*@/.test(url), "url must not carry a user name or password"),
  format: z.enum(["json", "slack"]).optional(),
  secret: z.string().min(1, "secret must not be empty (leave it out to send unsigned)").optional(),
  to: z.array(z.string().min(1, "an operator id must not be empty")).optional(),
  headers: z
    .record(z.string(), z.string())
    .refine(
      (headers) => Object.keys(headers).every((name) => !RESERVED_HEADERS.has(name.toLowerCase())),
      `headers may not set ${[...RESERVED_HEADERS].join(", ")}: the delivery sets them`,
    )
    .optional(),
  timeoutMs: z.number().int().positive().max(600_000).optional(),
  name: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "name must be kebab-case, as in deliver-notifications")
    .optional(),
  retry: strictInput({
    attempts: z.number().int().min(1).max(100).optional(),
    backoffMs: z.number().int().min(0).max(600_000).optional(),
  }).optional(),
  maxAgeMs: z.number().int().positive().optional(),
});

/**
 * A delivery failed: the receiver could not be reached, did not answer in
 * time, or answered other than 2xx. Its message names the host, never the
 * URL's path or the secret.
 */
export class WebhookDeliveryError extends Data.TaggedError("WebhookDeliveryError")<{
  /** Names the host, the notification, what went wrong, and whether it is retried. */
  readonly message: string;
  /** Host of the webhook URL. */
  readonly host: string;
  /** The HTTP status the receiver answered, when it answered. */
  readonly status?: number;
  /**
   * Whether another attempt may go through: a network error, a timeout, HTTP
   * 408, 429 or 5xx. Any other answer (400, 403, 404, a redirect...) is
   * false, which the automation runner reads as a permanent failure (see
   * `PermanentFailureError`): it skips the attempts left and records
   * the event as failed at once.
   */
  readonly retriable: boolean;
  /** The wait the receiver asked for (`Retry-After`), in ms, when it did. */
  readonly retryAfterMs?: number;
  /** What fetch threw, for a network error. */
  readonly cause?: unknown;
}> {
  /** Stable code for programs to match on. */
  readonly code = "E_WEBHOOK_DELIVERY";
}

/**
 * Records that a webhook received a notification (answered 2xx). It lands
 * with the delivery's `automation.handled` mark, so after a crash only a
 * delivery in flight is sent again, not every one since the cursor's last
 * record.
 */
export const WebhookDelivered = defineEvent(
  "webhook.delivered",
  z.object({
    /** Name of the delivering automation. */
    automation: z.string().min(1),
    /** Id of the `inbox.notified` event delivered. */
    notification: z.string().min(1),
    /** Its recipient. */
    to: z.string().min(1),
    /** Host of the webhook URL (never its path). */
    host: z.string().min(1),
    /** The HTTP status it answered. */
    status: z.number().int(),
  }),
);

/** The factory services a webhook delivery uses: the log, to register {@link WebhookDelivered}. */
export type WebhookDeliveryServices = Pick<Factory, "log">;

/**
 * An automation that POSTs each inbox notification (`inbox.notified`) to a
 * webhook, as JSON or as a Slack-compatible `{ text }`. Each carries
 * `Idempotency-Key` and `X-Factory-Event-Id` set to the notification's event
 * id, so a receiver can drop a repeat; with `secret`, a signature (see
 * {@link WebhookDeliveryOptions.secret}).
 *
 * A 2xx answer is delivered, and recorded (a {@link WebhookDelivered}) with
 * the handling's mark. A network error, a timeout, HTTP 408, 429 or 5xx fails
 * the attempt, and the automation's retry policy tries again (default 5
 * attempts, 1 s backoff doubling); a `Retry-After` (seconds or a date) is
 * waited for before the next attempt, up to 60 s. Any other answer (400, 404,
 * a redirect...) is a permanent failure (`retriable: false`): it is not
 * posted again, and the runner skips the attempts left. After the last
 * attempt, or such an answer, the notification is recorded as a failure of
 * the automation, which `factory.automations.failures()` lists and
 * `factory.automations.retry(name, eventId)` sends again, and
 * `factory.encodedUsage` counts.
 *
 * Each notification is posted by one process of those serving the factory
 * (an editor's `factory mcp`, another's, a cron `factory automations run`):
 * the automation is `exclusive`, so the process whose claim on the
 * notification lands posts it, and the others wait for its record. Its claim
 * lease is a minute, renewed every 20 seconds while the delivery runs. A
 * notification it does not post (not to one of `to`, older than `maxAgeMs`
 * when reached; a retry of a failed one posts it whatever its age) is
 * passed over by its filter, with no claim and no mark: the delivery
 * appends events only for the notifications it posts (the claim, the
 * {@link WebhookDelivered} and the mark).
 *
 * Delivery is at least once: a process that stops while a delivery is in
 * flight (`factory.close()` aborts it) sends it again at its next start, and
 * one that dies in flight has it sent by another process on its host at once
 * (on another host, once its claim's lease runs out), with the same
 * `Idempotency-Key`.
 *
 * @throws ValidationError when the options are malformed (a URL that is not
 * http(s), an unknown format, a reserved header...), naming each bad field.
 * @example
 * ```ts
 * const factory = await openFactory({
 *   dir: ".factory",
 *   automations: [
 *     ...builtinAutomations,
 *     makeWebhookDelivery({ url: process.env.SLACK_WEBHOOK_URL ?? "", format: "slack" }),
 *   ],
 * });
 * ```
 */
export function makeWebhookDelivery(options: WebhookDeliveryOptions): Automation<WebhookDeliveryServices> {
  checkArguments("makeWebhookDelivery", { options: [OptionsSchema, options] });
  const parsed = parseInput(OptionsSchema, options, "webhook delivery options");
  const url = new URL(parsed.url);
  const format = parsed.format ?? "json";
  const name = parsed.name ?? DELIVER_NOTIFICATIONS;
  const recipients = parsed.to === undefined ? undefined : new Set(parsed.to);
  const retry = {
    attempts: parsed.retry?.attempts ?? DEFAULT_RETRY.attempts,
    backoffMs: parsed.retry?.backoffMs ?? DEFAULT_RETRY.backoffMs,
  };
  const post = poster(url, parsed.secret, parsed.headers ?? {}, parsed.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return defineAutomation<WebhookDeliveryServices>({
    name,
    description: `Posts each inbox notification${recipients === undefined ? "" : ` to ${[...recipients].join(", ")}`} to the webhook at ${url.host} (${format}).`,
    on: [InboxNotified.type],
    retry,
    exclusive: { leaseMs: DELIVERY_LEASE_MS },
    // Notifications to others, or too old, are passed over: no claim, no mark, no post.
    filter: (event, { services, retry }) => {
      if (!InboxNotified.is(event)) return false;
      if (recipients !== undefined && !recipients.has(event.data.to)) return false;
      // An operator's retry of a failed delivery posts it, however old it is by now.
      if (parsed.maxAgeMs === undefined || retry > 0) return true;
      // Its age by the factory's clock, which stamped it (a manual or Effect TestClock as much as the machine's).
      return services.log.clock.now().getTime() - Date.parse(event.at) <= parsed.maxAgeMs;
    },
    run: async (event, { services, signal, emit, attempt }) => {
      if (!InboxNotified.is(event)) return;
      services.log.registry.register(WebhookDelivered);
      try {
        const status = await post(event, format, signal, { attempt, attempts: retry.attempts });
        emit({
          type: WebhookDelivered.type,
          subject: `webhook:${name}:${event.id}`,
          data: { automation: name, notification: event.id, to: event.data.to, host: url.host, status },
        });
      } catch (thrown) {
        // A refusal (`retriable: false`) ends the handling at once: the runner records it without the attempts left.
        const waitFor =
          thrown instanceof WebhookDeliveryError && thrown.retriable ? thrown.retryAfterMs : undefined;
        if (waitFor !== undefined && attempt < retry.attempts) await sleep(waitFor, undefined, { signal });
        throw thrown;
      }
    },
  });
}

/** Which attempt at a notification a post is, of how many its retry policy makes. */
interface AttemptOf {
  /** This attempt, from 1 (the handler's `context.attempt`). */
  readonly attempt: number;
  /** The attempts of the retry policy: after the last, the failure is recorded. */
  readonly attempts: number;
}

/**
 * What a failed attempt's message ends with: that it is retried (after the
 * wait `Retry-After` asks), or, on the last attempt, that it is not, and how
 * to send it again.
 */
function retryWords({ attempt, attempts }: AttemptOf, retryAfterMs?: number): string {
  if (attempt >= attempts)
    return `; not retried after ${attempt} ${attempt === 1 ? "attempt" : "attempts"}: retry the event (factory.automations.retry) once the webhook answers`;
  return `; it is retried${retryAfterMs === undefined ? "" : ` after ${retryAfterMs} ms, as Retry-After asks`}`;
}

/**
 * Posts a notification to the webhook and returns the 2xx status, or throws a
 * {@link WebhookDeliveryError} whose message says whether the attempt is
 * retried (not after the last of `attemptOf.attempts`).
 */
function poster(
  url: URL,
  secret: string | undefined,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
): (event: Notified, format: WebhookFormat, signal: AbortSignal, attemptOf: AttemptOf) => Promise<number> {
  const { host } = url;
  // The path's longer segments, any of which may be a token (Slack's last one is).
  const secretParts = url.pathname.split("/").filter((part) => part.length >= 8);
  /** Hides the URL's path and the secret in what a receiver answered, and makes it one short line. */
  const redact = (text: string): string => {
    let safe = text;
    for (const part of [url.pathname.slice(1), url.search.slice(1), ...secretParts, secret ?? ""])
      if (part !== "") safe = safe.replaceAll(part, "…");
    const flat = safe.replace(/\s+/g, " ").trim();
    return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
  };
  return async (event, format, signal, attemptOf) => {
    const body = deliveryBody(notificationOf(event), format);
    const timeout = AbortSignal.timeout(timeoutMs);
    const what = `notification ${event.id}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: deliveryHeaders(event.id, body, secret, headers, Date.now()),
        body,
        redirect: "manual",
        signal: AbortSignal.any([signal, timeout]),
      });
    } catch (error) {
      // The runner is closing: the event stays unhandled, for the next start.
      if (signal.aborted) throw signal.reason;
      if (timeout.aborted)
        throw new WebhookDeliveryError({
          message: `the webhook at ${host} did not answer ${what} within ${timeoutMs} ms${retryWords(attemptOf)}`,
          host,
          retriable: true,
        });
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new WebhookDeliveryError({
        message: `could not reach the webhook at ${host} to deliver ${what} (${redact(cause?.code ?? cause?.message ?? (error as Error).message)})${retryWords(attemptOf)}`,
        host,
        retriable: true,
        cause: error,
      });
    }
    const { status } = response;
    const said = redact(await response.text().catch(() => ""));
    if (status >= 200 && status < 300) return status;
    const answered = `the webhook at ${host} answered HTTP ${status}${said === "" ? "" : ` (${said})`} to ${what}`;
    const retryAfterMs = retryAfter(response.headers.get("retry-after"));
    if (status === 408 || status === 429 || status >= 500)
      throw new WebhookDeliveryError({
        message: `${answered}${retryWords(attemptOf, retryAfterMs)}`,
        host,
        status,
        retriable: true,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    throw new WebhookDeliveryError({
      message: `${answered}; not retried: fix the webhook's URL, format or headers, then retry the event (factory.automations.retry)`,
      host,
      status,
      retriable: false,
    });
  };
}

/** A `Retry-After` header (seconds, or an HTTP date) as a wait in ms, at most 60 s; undefined when absent or unreadable. */
function retryAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, Math.round(ms)), MAX_RETRY_AFTER_MS);
}
