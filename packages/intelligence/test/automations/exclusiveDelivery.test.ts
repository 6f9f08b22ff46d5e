import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AutomationClaimed,
  AutomationHandled,
  estimateTokenCounter,
  openFactory,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture, waitForOutput } from "../../../core/test/fixtures/runChild.js";
import { Receiver } from "../fixtures/webhookReceiver.js";

const child = join(import.meta.dirname, "..", "fixtures", "deliveringChild.ts");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A new factory folder whose floor plan declares ana, whom the tests notify (a notification to anyone else is refused). */
async function factoryDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "factory-exclusive-delivery-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const factory = await openFactory({ dir, tokenCounter: estimateTokenCounter });
  await factory.floorplan.applyPlan({ operators: [{ id: "ana" }], lines: [{ id: "ops", owner: "ana" }] });
  await factory.close();
  return dir;
}

async function receiver(): Promise<Receiver> {
  const started = await Receiver.start();
  cleanups.push(() => started.close());
  return started;
}

/** Starts a child process delivering the notifications of the factory in `dir`, killed after the test. */
async function deliveringProcess(dir: string, url: string, count: number) {
  const started = await startFixture(child, [dir, url, String(count)], "started");
  // Listens for `idle` from now on, so the line is not missed while the test writes.
  const idle = waitForOutput(started.child, "idle", 120_000);
  idle.catch(() => undefined);
  cleanups.push(async () => {
    started.child.kill("SIGKILL");
    await started.exited;
  });
  return { ...started, idle };
}

/** Writes notifications from a third process's factory (this one's), closed after; their ids. */
async function notify(dir: string, titles: readonly string[]): Promise<string[]> {
  const writer = await openFactory({ dir, tokenCounter: estimateTokenCounter });
  const ids: string[] = [];
  for (const title of titles) ids.push((await writer.inbox.notify({ to: "ana", title, body: "" })).id);
  await writer.close();
  return ids;
}

/** The events of `dir`'s log of one type, read by a factory opened for the purpose. */
async function logged(dir: string, type: string) {
  const reader = await openFactory({ dir, tokenCounter: estimateTokenCounter });
  try {
    return await reader.log.read({ types: [type], limit: 1000 });
  } finally {
    await reader.close();
  }
}

describe("a webhook delivery served by two processes of one factory", () => {
  it("posts each notification once, whichever process claims it", async () => {
    const hook = await receiver();
    const dir = await factoryDir();
    const first = await deliveringProcess(dir, hook.url, 30);
    const second = await deliveringProcess(dir, hook.url, 30);
    const ids = await notify(
      dir,
      Array.from({ length: 30 }, (_, n) => `Notification ${n}`),
    );
    await Promise.all([first.idle, second.idle]);

    const posted = hook.received.map((request) => request.headers["idempotency-key"]);
    expect(posted.toSorted()).toEqual(ids.toSorted());
    const marks = (await logged(dir, AutomationHandled.type)).map((event) => event.data);
    expect(marks).toHaveLength(30);
    expect(marks.every((mark) => (mark as { outcome: string }).outcome === "ok")).toBe(true);
    const claims = await logged(dir, AutomationClaimed.type);
    expect(claims.map((claim) => (claim.data as { event: string }).event).toSorted()).toEqual(ids.toSorted());
  });

  it("has another process post a notification whose holder was killed while posting it", async () => {
    const hook = await receiver();
    hook.script = (n) => (n === 0 ? "hang" : { status: 200 });
    const dir = await factoryDir();
    const first = await deliveringProcess(dir, hook.url, 1);
    const second = await deliveringProcess(dir, hook.url, 1);
    const [id] = await notify(dir, ["Held"]);
    await hook.requests(1);

    // The receiver holds the first post open; the process that claimed it dies.
    const [claim] = await logged(dir, AutomationClaimed.type);
    const holderPid = (claim?.data as { pid?: number } | undefined)?.pid;
    const [holder, other] = first.child.pid === holderPid ? [first, second] : [second, first];
    expect(holder.child.pid).toBe(holderPid);
    holder.child.kill("SIGKILL");
    expect((await holder.exited).signal).toBe("SIGKILL");
    await other.idle;

    expect(hook.received.map((request) => request.headers["idempotency-key"])).toEqual([id, id]);
    const claims = (await logged(dir, AutomationClaimed.type)).map(
      (event) => event.data as { generation: number; pid: number },
    );
    expect(claims).toEqual([
      expect.objectContaining({ generation: 1, pid: holder.child.pid }),
      expect.objectContaining({ generation: 2, pid: other.child.pid }),
    ]);
    expect((await logged(dir, AutomationHandled.type)).map((event) => event.data)).toEqual([
      expect.objectContaining({ event: id, outcome: "ok", emitted: 1 }),
    ]);
  });
});
