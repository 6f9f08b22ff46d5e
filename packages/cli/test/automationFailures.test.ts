/**
 * `factory automations failures` lists the events an automation failed to
 * handle, read from the log whichever process ran it, and `factory
 * automations retry <automation> <event-id>` runs one again and says how it
 * went. The failures are real: a webhook delivery (run by an SDK program, as
 * `factory mcp --notify-webhook` runs it) whose receiver refuses the hook
 * with a 404 (a permanent failure), and an automation of that program that
 * fails every attempt.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeWebhookDelivery, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HookReceiver, startHookReceiver, tellPager } from "../../mcp/test/failingAutomations.js";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

const SLOW = { timeout: 120_000 };

let cwd: string;
let receiver: HookReceiver;
/** The status the receiver answers with. */
let answer = 404;
let notification: string;
let signal: string;
const factory = (...args: string[]) => runFactory(args, { cwd });
/** `factory automations retry deliver-notifications <event> --notify-webhook <the receiver's URL>`, then `more`. */
const retryDelivery = (event: string, ...more: string[]) =>
  factory("automations", "retry", "deliver-notifications", event, "--notify-webhook", receiver.url, ...more);

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-automation-failures-"));
  receiver = await startHookReceiver(() => answer);
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
  expect((await factory("plan", "apply", "factory.yaml")).code).toBe(0);
  const program = await openFactory({
    dir: join(cwd, ".factory"),
    actor: "ana",
    automations: [makeWebhookDelivery({ url: receiver.url }), tellPager],
  });
  try {
    notification = (await program.inbox.notify({ to: "ana", title: "Checkout is slow", body: "p95 is 4 s" }))
      .id;
    signal = (await program.work.captureSignal({ text: "checkout is slow", source: "support" })).id;
    await program.automations?.idle();
  } finally {
    await program.close();
  }
}, SLOW.timeout);
afterAll(async () => {
  await receiver?.close();
  rmSync(cwd, { recursive: true, force: true });
});

/** What `factory automations failures --json` prints, parsed. */
async function failures(): Promise<{
  automations: string[];
  failures: {
    automation: string;
    event: { id: string; type: string; subject: string };
    permanent: boolean;
    attempts: number | null;
    retries: number;
    error: { code: string; message: string };
  }[];
}> {
  const run = await factory("automations", "failures", "--json");
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe("factory automations failures", () => {
  it("says there is none on a factory whose automations never failed", SLOW, async () => {
    const fresh = mkdtempSync(join(tmpdir(), "factory-cli-no-failures-"));
    try {
      writeFileSync(join(fresh, "factory.yaml"), SHOP_YAML);
      expect((await runFactory(["plan", "apply", "factory.yaml"], { cwd: fresh })).code).toBe(0);
      const run = await runFactory(["automations", "failures"], { cwd: fresh });
      expect(run).toMatchObject({ code: 0, stdout: "no failed automation handlings\n" });
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it(
    "lists every automation's failed events, whichever process ran it, as JSON and as text",
    SLOW,
    async () => {
      const listed = await failures();
      expect(listed.automations).toEqual(["deliver-notifications", "tell-pager"]);
      expect(listed.failures).toMatchObject([
        {
          automation: "deliver-notifications",
          event: { id: notification, type: "inbox.notified" },
          permanent: true,
          attempts: 1,
          retries: 0,
          error: { code: "E_WEBHOOK_DELIVERY", message: expect.stringContaining("404") },
        },
        {
          automation: "tell-pager",
          event: { id: expect.any(String), type: "signal.captured", subject: signal },
          permanent: false,
          attempts: 2,
          retries: 0,
          error: { code: "E_PAGER_DOWN", message: "the pager is down" },
        },
      ]);

      const text = await factory("automations", "failures", "--automation", "tell-pager");
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`tell-pager  ${listed.failures[1]?.event.id}  signal.captured ${signal}`);
      expect(text.stdout).toContain("after 2 attempts: may be retried");
      expect(text.stdout).toContain("E_PAGER_DOWN: the pager is down");
      expect(text.stdout).not.toContain("deliver-notifications");
      expect(text.stdout).toContain("1 failed handling;");
    },
  );

  it("refuses an automation the factory has not, naming the ones near it", SLOW, async () => {
    const run = await factory("automations", "failures", "--automation", "tell-pagr");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--automation: no automation "tell-pagr" in this factory; did you mean "tell-pager"?',
    );
  });
});

describe("factory automations retry", () => {
  it(
    "says how to retry the webhook delivery without its URL, and that another program's automation is retried there",
    SLOW,
    async () => {
      const webhook = await factory("automations", "retry", "deliver-notifications", notification);
      expect(webhook.code).toBe(2);
      expect(webhook.stderr).toContain("give its URL to retry, as to factory mcp (--notify-webhook <url>");

      const [, pager] = (await failures()).failures;
      const other = await factory("automations", "retry", "tell-pager", pager?.event.id ?? "");
      expect(other.code).toBe(1);
      expect(other.stderr).toContain(
        'automation "tell-pager" is run by another program, not by this command',
      );

      const unknown = await factory("automations", "retry", "route-new-signal", notification);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('did you mean "route-new-signals"?');
    },
  );

  it("refuses an event the automation has no failed handling of, naming its failed ones", SLOW, async () => {
    const run = await retryDelivery("evt_nope");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `<event-id>: automation "deliver-notifications" has no failed handling of event "evt_nope"`,
    );
    expect(run.stderr).toContain(`its failed events are ${notification}`);
  });

  it(
    "runs the handling again: exits 1 saying it failed permanently, then 0 once the cause is fixed",
    SLOW,
    async () => {
      const again = await retryDelivery(notification, "--json");
      expect(again.code).toBe(1);
      expect(JSON.parse(again.stdout)).toEqual({
        automation: "deliver-notifications",
        event: notification,
        outcome: "error",
        error: { code: "E_WEBHOOK_DELIVERY", message: expect.stringContaining("404") },
        permanent: true,
      });
      expect((await failures()).failures[0]).toMatchObject({ event: { id: notification }, retries: 1 });

      answer = 200;
      const fixed = await retryDelivery(notification);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stdout).toBe(
        `handled: deliver-notifications handled event ${notification} on this retry\n`,
      );
      expect(receiver.delivered).toEqual([notification]);
      expect((await failures()).failures.map((failure) => failure.automation)).toEqual(["tell-pager"]);
    },
  );
});
