import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinAutomations, type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

const open = (withAutomations: boolean) =>
  openFactory({ dir, actor: "ana", ...(withAutomations ? { automations: builtinAutomations } : {}) });

/** The signal notes in an operator's inbox, as the ids of their signals. */
async function signalNotes(operator: string): Promise<(string | undefined)[]> {
  const notes = await factory.inbox.list(operator, { limit: 100 });
  return notes.filter((note) => note.ref?.kind === "signal").map((note) => note.ref?.id);
}

/** Takes a tiny-flow item on checkout, made from `signal`, to release: delivering it resolves the signal. */
async function deliverFrom(signal: string): Promise<void> {
  const item = await factory.work.createWorkItem({
    line: "checkout",
    title: "Pay button",
    flow: "tiny",
    signals: [signal],
  });
  await factory.work.advance(item.id);
  const changeSet = { commit: "abc1234", paths: ["src/checkout/pay.ts"] };
  await factory.work.recordArtifact({ kind: "changeSet", title: "c", fields: changeSet, workItem: item.id });
  await factory.work.advance(item.id);
  const testRun = { runId: "7", passed: 12, failed: 0 };
  await factory.work.recordArtifact({ kind: "testEvidence", title: "t", fields: testRun, workItem: item.id });
  await factory.work.advance(item.id);
}

/** Reopens the factory with the built-in automations, which catch up on the history, as a first cron run does. */
async function catchUp(): Promise<void> {
  await factory.close();
  factory = await open(true);
  await factory.automations?.idle();
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-history-signals-"));
  factory = await open(false);
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }, { id: "sana" }],
    lines: [
      {
        id: "checkout",
        description: "Cart, payment and order confirmation",
        owner: "bo",
        paths: ["/src/checkout/"],
      },
      { id: "search", description: "Product search", owner: "ana", paths: ["/src/search/"] },
    ],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("route-new-signals catching up on a factory with history", () => {
  it("announces neither a resolved signal nor one made into work, and still a live one", async () => {
    const resolved = await factory.work.captureSignal({
      text: "The pay button does nothing",
      source: "support",
      line: "checkout",
    });
    await deliverFrom(resolved.id);
    const onWork = await factory.work.captureSignal({ text: "Vouchers are refused", source: "support" });
    await factory.work.routeSignal(onWork.id, "checkout", { actor: "sana" });
    await factory.work.createWorkItem({ line: "checkout", title: "Vouchers", signals: [onWork.id] });
    const unroutedOnWork = await factory.work.captureSignal({
      text: "Checkout crashes in src/checkout/cart.ts with a stack trace",
      source: "support",
    });
    await factory.work.createWorkItem({
      line: "checkout",
      title: "Cart crash",
      signals: [unroutedOnWork.id],
    });
    const live = await factory.work.captureSignal({
      text: "Checkout crashes in src/checkout/pay.ts with a stack trace",
      source: "support",
    });
    expect(factory.work.signal(resolved.id)?.resolvedAt).toBeDefined();

    await catchUp();

    expect(await signalNotes("bo")).toEqual([live.id]);
    expect(factory.work.signal(live.id)?.routedBy).toBe("automation:route-new-signals");
    expect(factory.work.signal(unroutedOnWork.id)?.line).toBeUndefined();
  });

  it("still tells the owner about a signal a person routed that nobody has taken up", async () => {
    const routed = await factory.work.captureSignal({ text: "Search is slow today", source: "support" });
    await factory.work.routeSignal(routed.id, "search", { actor: "sana" });

    await catchUp();

    expect(await signalNotes("ana")).toEqual([routed.id]);
  });
});
