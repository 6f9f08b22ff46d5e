import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, manualClock, ValidationError } from "@software-factory/core";
import {
  AutomationClaimed,
  AutomationHandled,
  estimateTokenCounter,
  type Factory,
  makeWebhookDelivery,
  openFactory,
  WebhookDelivered,
  type WebhookDeliveryOptions,
  type WebhookNotification,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture } from "../../../core/test/fixtures/runChild.js";
import { Receiver, TOKEN } from "../fixtures/webhookReceiver.js";

const child = join(import.meta.dirname, "webhookChild.ts");

const SECRET = "whsec-test-secret";

const dirs: string[] = [];
const receivers: Receiver[] = [];
const factories: Factory[] = [];
afterEach(async () => {
  for (const factory of factories.splice(0)) await factory.close();
  for (const receiver of receivers.splice(0)) await receiver.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function receiver(): Promise<Receiver> {
  const started = await Receiver.start();
  receivers.push(started);
  return started;
}

/** A new factory folder whose floor plan declares the operators the tests notify (a notification to anyone else is refused). */
async function factoryDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "factory-webhook-delivery-"));
  dirs.push(dir);
  const factory = await openFactory({ dir, tokenCounter: estimateTokenCounter });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bob" }, { id: "carl" }],
    lines: [{ id: "ops", owner: "ana" }],
  });
  await factory.close();
  return dir;
}

/** A factory (a SQLite file in `dir`, on `clock` if given) delivering its notifications with these options. */
async function deliveringFactory(
  dir: string,
  options: WebhookDeliveryOptions,
  clock?: Clock,
): Promise<Factory> {
  const factory = await openFactory({
    dir,
    ...(clock === undefined ? {} : { clock }),
    automations: [makeWebhookDelivery(options)],
    tokenCounter: estimateTokenCounter,
  });
  factories.push(factory);
  return factory;
}

async function closeFactory(factory: Factory): Promise<void> {
  factories.splice(factories.indexOf(factory), 1);
  await factory.close();
}

/** Whether `signature` is `sha256=` HMAC-SHA256 with `secret` over `<timestamp>.<body>`, as a receiver checks it. */
function verify(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`,
  );
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function deliveredRecords(factory: Factory) {
  return (await factory.log.read({ types: [WebhookDelivered.type] }))
    .filter((event) => WebhookDelivered.is(event))
    .map((event) => event.data);
}

/** The data of the `automation.handled` marks of the log. */
async function handledMarks(factory: Factory) {
  return (await factory.log.read({ types: [AutomationHandled.type] }))
    .filter((event) => AutomationHandled.is(event))
    .map((event) => event.data);
}

describe("delivering notifications to a webhook", () => {
  it("posts each notification to its recipients as signed JSON, with the event id to de-duplicate by", async () => {
    const hook = await receiver();
    const factory = await deliveringFactory(await factoryDir(), {
      url: hook.url,
      secret: SECRET,
      to: ["ana"],
      headers: { authorization: "Bearer receiver-token" },
    });
    const item = await factory.inbox.notify(
      {
        to: "ana",
        title: "Checkout is failing",
        body: "> Pay button does nothing",
        ref: { kind: "signal", id: "sig-1" },
        reason: "owner of checkout",
      },
      { actor: "bob" },
    );
    await factory.inbox.notify({ to: "carl", title: "Not for this webhook", body: "" });
    await factory.automations?.idle();

    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    if (request === undefined) throw new Error("no request");
    const sent: WebhookNotification = {
      type: "inbox.notified",
      id: item.id,
      seq: item.seq,
      at: item.at,
      to: "ana",
      from: "bob",
      title: "Checkout is failing",
      body: "> Pay button does nothing",
      ref: { kind: "signal", id: "sig-1" },
      reason: "owner of checkout",
    };
    expect(JSON.parse(request.body)).toEqual(sent);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["idempotency-key"]).toBe(item.id);
    expect(request.headers["x-factory-event-id"]).toBe(item.id);
    expect(request.headers.authorization).toBe("Bearer receiver-token");
    const timestamp = String(request.headers["x-factory-timestamp"]);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(verify(SECRET, timestamp, request.body, String(request.headers["x-factory-signature"]))).toBe(
      true,
    );
    expect(
      verify(SECRET, timestamp, `${request.body} `, String(request.headers["x-factory-signature"])),
    ).toBe(false);
    expect(await deliveredRecords(factory)).toEqual([
      { automation: "deliver-notifications", notification: item.id, to: "ana", host: hook.host, status: 200 },
    ]);
  });

  it("posts Slack-compatible { text } naming the recipient, the sender, the message and the notification", async () => {
    const hook = await receiver();
    const factory = await deliveringFactory(await factoryDir(), { url: hook.url, format: "slack" });
    const item = await factory.inbox.notify(
      {
        to: "ana",
        title: "Review <design> & fix",
        body: "Links v2 are suspect.",
        ref: { kind: "artifact", id: "art-7" },
        reason: "owner of checkout",
      },
      { actor: "automation:notify-suspect-owners" },
    );
    await factory.automations?.idle();

    expect(hook.received).toHaveLength(1);
    expect(JSON.parse(hook.received[0]?.body ?? "")).toEqual({
      text: [
        "*Review &lt;design&gt; &amp; fix*",
        "For ana (owner of checkout) · from automation:notify-suspect-owners",
        "Links v2 are suspect.",
        `_artifact art-7 · notification ${item.id}_`,
      ].join("\n"),
    });
    expect(hook.received[0]?.headers["x-factory-signature"]).toBeUndefined();
  });

  it("sends the caller's User-Agent alone, in whatever case it is given, instead of beside its own", async () => {
    const hook = await receiver();
    const factory = await deliveringFactory(await factoryDir(), {
      url: hook.url,
      headers: { "User-Agent": "acme-bot/1" },
    });
    await factory.inbox.notify({ to: "ana", title: "Hello", body: "A note." }, { actor: "bo" });
    await factory.automations?.idle();

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.headers["user-agent"]).toBe("acme-bot/1");
  });

  it("delivers once after a server error, retried with the same Idempotency-Key, and not again after a restart", async () => {
    const hook = await receiver();
    hook.script = (n) => (n === 0 ? { status: 500, body: "down" } : { status: 200 });
    const dir = await factoryDir();
    const options = { url: hook.url, retry: { attempts: 3, backoffMs: 1 } };
    const factory = await deliveringFactory(dir, options);
    const item = await factory.inbox.notify({ to: "ana", title: "Hello", body: "" });
    await factory.automations?.idle();

    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([item.id, item.id]);
    expect(await factory.automations?.failures()).toEqual([]);
    await closeFactory(factory);

    const reopened = await deliveringFactory(dir, options);
    await reopened.automations?.idle();
    expect(hook.received).toHaveLength(2);
    expect(await deliveredRecords(reopened)).toHaveLength(1);
  });

  it("sends a delivery interrupted by a close again at the next start, with the same Idempotency-Key", async () => {
    const hook = await receiver();
    hook.script = (n) => (n === 0 ? "hang" : { status: 204 });
    const dir = await factoryDir();
    const factory = await deliveringFactory(dir, { url: hook.url });
    const item = await factory.inbox.notify({ to: "ana", title: "Hello", body: "" });
    await hook.requests(1);
    // The receiver holds the request: the close aborts it, leaving the notification undelivered.
    await closeFactory(factory);

    const reopened = await deliveringFactory(dir, { url: hook.url });
    await reopened.automations?.idle();
    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([item.id, item.id]);
    expect(await deliveredRecords(reopened)).toEqual([
      expect.objectContaining({ notification: item.id, status: 204 }),
    ]);
    expect(await reopened.automations?.failures()).toEqual([]);
  });

  it("after a crash, sends again only the delivery that was in flight, with the same Idempotency-Key", async () => {
    const hook = await receiver();
    hook.script = (n) => (n === 3 ? "hang" : { status: 200 });
    const dir = await factoryDir();
    const { child: running, exited } = await startFixture(child, [dir, hook.url], "started");
    const writer = await openFactory({ dir, tokenCounter: estimateTokenCounter });
    const ids: string[] = [];
    for (const title of ["One", "Two", "Three", "Four"])
      ids.push((await writer.inbox.notify({ to: "ana", title, body: "" })).id);
    await writer.close();
    await hook.requests(4);
    // The fourth is in flight (the receiver holds it) when the process dies.
    running.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");

    hook.script = () => ({ status: 200 });
    const reopened = await deliveringFactory(dir, { url: hook.url });
    await reopened.automations?.idle();
    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([...ids, ids[3]]);
    expect((await deliveredRecords(reopened)).map((record) => record.notification)).toEqual(ids);
  });

  it("records a 400 as a permanent failure after one attempt, naming the host but not the URL's token, and retries it on request", async () => {
    const hook = await receiver();
    hook.script = (n) =>
      n === 0 ? { status: 400, body: `invalid_payload for /services/T000/B000/${TOKEN}` } : { status: 200 };
    // The default retry policy: 5 attempts, which would wait 1 + 2 + 4 + 8 s for nothing.
    const factory = await deliveringFactory(await factoryDir(), { url: hook.url });
    const item = await factory.inbox.notify({ to: "ana", title: "Hello", body: "" });
    await factory.automations?.idle();

    expect(hook.received).toHaveLength(1);
    expect(await handledMarks(factory)).toEqual([
      expect.objectContaining({ event: item.id, outcome: "error", attempts: 1, permanent: true }),
    ]);
    const failures = (await factory.automations?.failures()) ?? [];
    expect(failures).toEqual([
      {
        automation: "deliver-notifications",
        event: item.id,
        eventSeq: item.seq,
        error: {
          code: "E_WEBHOOK_DELIVERY",
          message: expect.stringContaining(`webhook at ${hook.host} answered HTTP 400`),
        },
        permanent: true,
      },
    ]);
    expect(failures[0]?.error.message).toContain("not retried");
    expect(failures[0]?.error.message).not.toContain(TOKEN);
    expect(await deliveredRecords(factory)).toEqual([]);

    expect(await factory.automations?.retry("deliver-notifications", item.id)).toEqual({ outcome: "ok" });
    expect(hook.received).toHaveLength(2);
    expect(await deliveredRecords(factory)).toHaveLength(1);
  });

  it("does not follow a redirect, and records it after one attempt", async () => {
    const hook = await receiver();
    hook.script = () => ({ status: 302, headers: { location: `http://${hook.host}/elsewhere` } });
    const factory = await deliveringFactory(await factoryDir(), { url: hook.url });
    const item = await factory.inbox.notify({ to: "ana", title: "Hello", body: "" });
    await factory.automations?.idle();

    expect(hook.received).toHaveLength(1);
    expect(await handledMarks(factory)).toEqual([
      expect.objectContaining({ event: item.id, outcome: "error", attempts: 1, permanent: true }),
    ]);
    expect(await factory.automations?.failures()).toEqual([
      expect.objectContaining({
        event: item.id,
        error: expect.objectContaining({ message: expect.stringContaining("answered HTTP 302") }),
        permanent: true,
      }),
    ]);
  });

  it("retries a 503 and stops at a 400 that follows it, without the attempts left", async () => {
    const hook = await receiver();
    hook.script = (n) => (n === 0 ? { status: 503 } : { status: 400, body: "invalid_payload" });
    const factory = await deliveringFactory(await factoryDir(), {
      url: hook.url,
      retry: { attempts: 5, backoffMs: 1 },
    });
    const item = await factory.inbox.notify({ to: "ana", title: "Hello", body: "" });
    await factory.automations?.idle();

    expect(hook.received).toHaveLength(2);
    expect(await handledMarks(factory)).toEqual([
      expect.objectContaining({ event: item.id, outcome: "error", attempts: 2, permanent: true }),
    ]);
  });

  it("fails an attempt the receiver does not answer within timeoutMs, and retries it; the failure says it is not retried", async () => {
    const hook = await receiver();
    hook.script = () => "hang";
    const factory = await deliveringFactory(await factoryDir(), {
      url: hook.url,
      // Long enough for the receiver, in this process, to read the request on a loaded machine.
      timeoutMs: 500,
      retry: { attempts: 2, backoffMs: 1 },
    });
    const item = await factory.inbox.notify({ to: "ana", title: "Hello", body: "" });
    await factory.automations?.idle();

    expect(hook.received).toHaveLength(2);
    expect(await factory.automations?.failures()).toEqual([
      expect.objectContaining({
        event: item.id,
        error: {
          code: "E_WEBHOOK_DELIVERY",
          message: `the webhook at ${hook.host} did not answer notification ${item.id} within 500 ms; not retried after 2 attempts: retry the event (factory.automations.retry) once the webhook answers`,
        },
      }),
    ]);
  });

  it("records a 429 on the last attempt as not retried, rather than as retried after its Retry-After", async () => {
    const hook = await receiver();
    hook.script = () => ({ status: 429, body: "slow down", headers: { "retry-after": "30" } });
    const factory = await deliveringFactory(await factoryDir(), {
      url: hook.url,
      retry: { attempts: 1, backoffMs: 0 },
    });
    const item = await factory.inbox.notify({ to: "ana", title: "Hello", body: "" });
    await factory.automations?.idle();

    expect(hook.received).toHaveLength(1);
    expect(await factory.automations?.failures()).toEqual([
      expect.objectContaining({
        event: item.id,
        error: {
          code: "E_WEBHOOK_DELIVERY",
          message: `the webhook at ${hook.host} answered HTTP 429 (slow down) to notification ${item.id}; not retried after 1 attempt: retry the event (factory.automations.retry) once the webhook answers`,
        },
      }),
    ]);
  });

  it("waits as long as a 429's Retry-After asks before the next attempt", async () => {
    const hook = await receiver();
    hook.script = (n) => (n === 0 ? { status: 429, headers: { "retry-after": "1" } } : { status: 200 });
    const factory = await deliveringFactory(await factoryDir(), {
      url: hook.url,
      retry: { attempts: 2, backoffMs: 0 },
    });
    await factory.inbox.notify({ to: "ana", title: "Hello", body: "" });
    await factory.automations?.idle();

    const [first, second] = hook.received;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(await deliveredRecords(factory)).toHaveLength(1);
  });

  it("claims and records only the notifications to its recipients: none for those to other operators", async () => {
    const hook = await receiver();
    const factory = await deliveringFactory(await factoryDir(), { url: hook.url, to: ["ana"] });
    for (const to of ["bob", "carl", "bob"]) await factory.inbox.notify({ to, title: `For ${to}`, body: "" });
    const forAna = await factory.inbox.notify({ to: "ana", title: "For ana", body: "" });
    await factory.automations?.idle();

    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([forAna.id]);
    const claims = await factory.log.read({ types: [AutomationClaimed.type] });
    expect(claims.map((claim) => (claim.data as { event: string }).event)).toEqual([forAna.id]);
    expect((await handledMarks(factory)).map((mark) => mark.event)).toEqual([forAna.id]);
    // What the delivery appended: three events for the one posted, none for the three skipped (until the close's advance).
    const appended = await factory.log.read({ after: forAna.seq });
    expect(appended.map((event) => event.type)).toEqual([
      AutomationClaimed.type,
      WebhookDelivered.type,
      AutomationHandled.type,
    ]);
  });

  it("skips notifications older than maxAgeMs when it reaches them, and posts the newer ones", async () => {
    const hook = await receiver();
    const dir = await factoryDir();
    const clock = manualClock(Date.now() - 2 * 86_400_000);
    const past = await openFactory({ dir, clock, tokenCounter: estimateTokenCounter });
    await past.inbox.notify({ to: "ana", title: "Two days old", body: "" });
    clock.set(Date.now());
    const recent = await past.inbox.notify({ to: "ana", title: "Just now", body: "" });
    await past.close();

    const factory = await deliveringFactory(dir, { url: hook.url, maxAgeMs: 86_400_000 });
    await factory.automations?.idle();
    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([recent.id]);
    // The old one is passed over without a claim or a mark.
    const claims = await factory.log.read({ types: [AutomationClaimed.type] });
    expect(claims.map((claim) => (claim.data as { event: string }).event)).toEqual([recent.id]);
    expect((await handledMarks(factory)).map((mark) => mark.event)).toEqual([recent.id]);
  });

  it("measures a notification's age by the factory's clock, which stamped it, not the machine's", async () => {
    const hook = await receiver();
    const clock = manualClock("2020-01-01T09:00:00Z");
    const factory = await deliveringFactory(
      await factoryDir(),
      { url: hook.url, maxAgeMs: 86_400_000 },
      clock,
    );
    const fresh = await factory.inbox.notify({ to: "ana", title: "Fresh by the factory's clock", body: "" });
    // The premise: the factory stamps by its own clock (on the machine's, the notification would be fresh too).
    expect(fresh.at).toBe("2020-01-01T09:00:00.000Z");
    await factory.automations?.idle();
    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([fresh.id]);
  });

  it("posts an explicit retry of a failed delivery that has since aged past maxAgeMs", async () => {
    const hook = await receiver();
    hook.script = (n) => (n === 0 ? { status: 404, body: "no such hook" } : { status: 200 });
    const clock = manualClock("2020-01-01T09:00:00Z");
    const factory = await deliveringFactory(
      await factoryDir(),
      { url: hook.url, maxAgeMs: 86_400_000 },
      clock,
    );
    const item = await factory.inbox.notify({ to: "ana", title: "Deploy failed", body: "" });
    // The premise: the factory's clock stamps it, so moving that clock ages it.
    expect(item.at).toBe("2020-01-01T09:00:00.000Z");
    await factory.automations?.idle();
    expect((await factory.automations?.failures())?.map((failure) => failure.event)).toEqual([item.id]);

    // The webhook is fixed two days later, and the operator retries the delivery.
    clock.advance(2 * 86_400_000);
    expect(await factory.automations?.retry("deliver-notifications", item.id)).toEqual({ outcome: "ok" });
    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([item.id, item.id]);
    expect(await deliveredRecords(factory)).toEqual([expect.objectContaining({ notification: item.id })]);
    expect(await factory.automations?.failures()).toEqual([]);
  });

  it("takes over a notification whose holder stopped renewing its claim a minute before", async () => {
    const hook = await receiver();
    hook.script = (n) => (n === 0 ? "hang" : { status: 200 });
    const dir = await factoryDir();
    const clock = manualClock("2020-01-01T09:00:00Z");
    const holder = await deliveringFactory(dir, { url: hook.url }, clock);
    const item = await holder.inbox.notify({ to: "ana", title: "Held", body: "" });
    await hook.requests(1);

    // The holder's post hangs; by the factory's clock a minute passes with no renewal of its claim
    // (renewals come every 20 seconds of the machine's time, which this test does not let pass).
    const taker = await deliveringFactory(dir, { url: hook.url }, clock);
    clock.advance(60_000);
    await taker.automations?.idle();

    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([item.id, item.id]);
    const claims = await taker.log.read({ types: [AutomationClaimed.type] });
    expect(claims.map((claim) => (claim.data as { generation: number }).generation)).toEqual([1, 2]);
    expect((await handledMarks(taker)).map((mark) => [mark.event, mark.outcome])).toEqual([[item.id, "ok"]]);
  });

  it("refuses malformed options, naming each field", () => {
    const make = (options: unknown) => () => makeWebhookDelivery(options as WebhookDeliveryOptions);
    expect(make({ url: "ftp://example.com/hook" })).toThrow(ValidationError);
    expect(make({ url: "ftp://example.com/hook" })).toThrow("url must be an http or https URL");
    expect(make({ url: "https://user:pw@example.com/hook" })).toThrow(
      "must not carry a user name or password",
    );
    expect(make({ url: "https://example.com/hook", format: "teams" })).toThrow("format");
    expect(make({ url: "https://example.com/hook", headers: { "Idempotency-Key": "x" } })).toThrow(
      "headers may not set",
    );
    expect(make({ url: "https://example.com/hook", timeout: 5 })).toThrow('unknown key "timeout"');
  });
});
