/**
 * The automations' failures, as a resource: `factory://automations/failures`
 * lists the events an automation failed to handle, whichever process ran it,
 * so an agent can see why a notification was not delivered. Over stdio to the
 * built factory-mcp, which runs no automation itself, on a factory whose
 * webhook delivery (run by an SDK program here) was refused by its receiver
 * (a 404: a permanent failure), and whose own automation failed every attempt.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { makeWebhookDelivery, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HookReceiver, startHookReceiver, tellPager } from "./failingAutomations.js";
import { connectToServer } from "./fixtures.js";

const FAILURES = "factory://automations/failures";

let dir: string;
let receiver: HookReceiver;
let client: Client;
let notified: { id: string; seq: number; subject: string; at: string };
let captured: { id: string; seq: number };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-mcp-automation-failures-"));
  // A receiver that knows no such hook: every delivery is refused.
  receiver = await startHookReceiver(() => 404);
  const factory = await openFactory({
    dir,
    actor: "ana",
    automations: [makeWebhookDelivery({ url: receiver.url }), tellPager],
  });
  try {
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", owner: "ana" }],
    });
    const item = await factory.inbox.notify({ to: "ana", title: "Checkout is slow", body: "p95 is 4 s" });
    const signal = await factory.work.captureSignal({ text: "checkout is slow", source: "support" });
    await factory.automations?.idle();
    const [inboxEvent] = await factory.log.read({ types: ["inbox.notified"] });
    const [signalEvent] = await factory.log.read({ types: ["signal.captured"] });
    if (inboxEvent === undefined || signalEvent === undefined) throw new Error("the events did not land");
    expect(inboxEvent.id).toBe(item.id);
    expect(signalEvent.subject).toBe(signal.id);
    notified = inboxEvent;
    captured = signalEvent;
  } finally {
    await factory.close();
  }
  client = await connectToServer("automation-failures-test", ["--dir", dir, "--actor", "agent"]);
});
afterAll(async () => {
  await client?.close();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(FAILURES, () => {
  it("is listed among the server's resources", async () => {
    const { resources } = await client.listResources();
    expect(resources).toContainEqual(
      expect.objectContaining({ uri: FAILURES, name: "automation-failures", mimeType: "application/json" }),
    );
  });

  it("lists each failed handling with its event, error, attempts and whether it was permanent", async () => {
    const { contents } = await client.readResource({ uri: FAILURES });
    expect(contents[0]).toMatchObject({ uri: FAILURES, mimeType: "application/json" });
    const answer = JSON.parse((contents[0] as { text: string }).text);
    expect(answer.automations).toEqual(["deliver-notifications", "tell-pager"]);
    // Newest first: the signal was captured after the notification.
    expect(answer.failures).toEqual([
      {
        automation: "tell-pager",
        event: expect.objectContaining({ id: captured.id, seq: captured.seq, type: "signal.captured" }),
        error: { code: "E_PAGER_DOWN", message: "the pager is down" },
        permanent: false,
        attempts: 2,
        retries: 0,
        failedAt: expect.any(String),
      },
      {
        automation: "deliver-notifications",
        event: {
          id: notified.id,
          seq: notified.seq,
          type: "inbox.notified",
          subject: notified.subject,
          at: notified.at,
        },
        error: { code: "E_WEBHOOK_DELIVERY", message: expect.stringContaining("404") },
        permanent: true,
        attempts: 1,
        retries: 0,
        failedAt: expect.any(String),
      },
    ]);
    expect(answer.count).toBe(2);
    // The webhook's path is its secret: the failure names the host only.
    expect(JSON.stringify(answer)).not.toContain("/hooks/team");
  });
});
