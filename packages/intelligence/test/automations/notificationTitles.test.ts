/**
 * A signal's text is outside text (a ticket, a transcript) and may hold a tab,
 * a carriage return, a terminal escape or a bidi override. The notification
 * `route-new-signals` sends titles it by the signal's first line made one
 * line, as every title shown in a list; its body keeps the text as written.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findUnsafeLineCharacter } from "@software-factory/core";
import { builtinAutomations, type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, expect, it } from "vitest";

let dir: string;
let factory: Factory;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-notification-titles-"));
  factory = await openFactory({ dir, actor: "ana", automations: builtinAutomations });
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "bo" }],
    lines: [{ id: "payments", description: "Card payments and refunds", owner: "bo" }],
  });
});
afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

it("titles the notification of a signal whose first line holds control characters or bidi overrides as one line", async () => {
  const text = "Refund\tfails \u202eknil yb yaP\u202c \x1b[31mnow\r\nSeen twice.";
  await factory.work.captureSignal({ text, source: "support", severity: "high", line: "payments" });
  await factory.automations?.idle();

  const [note, ...others] = await factory.inbox.list("bo", { limit: 10 });
  expect(others).toEqual([]);
  expect(note?.title).toBe("New high signal for payments: Refund fails knil yb yaP [31mnow");
  expect(findUnsafeLineCharacter(note?.title ?? "")).toBeUndefined();
  expect(note?.body).toContain("> Refund\tfails \u202eknil yb yaP\u202c \x1b[31mnow\r\n> Seen twice.");
});

it("cuts a long first line to 80 characters without splitting a character outside the Basic Multilingual Plane", async () => {
  const text = `${"a".repeat(78)}\u{1F600} refunds fail for every card`;
  await factory.work.captureSignal({ text, source: "support", severity: "high", line: "payments" });
  await factory.automations?.idle();

  const [note, ...others] = await factory.inbox.list("bo", { limit: 10 });
  expect(others).toEqual([]);
  expect(note?.title).toBe(`New high signal for payments: ${"a".repeat(78)}…`);
});
