import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinAutomations, type Factory, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory;

const open = (withAutomations: boolean) =>
  openFactory({ dir, actor: "ana", ...(withAutomations ? { automations: builtinAutomations } : {}) });

/** The signal notes in an operator's inbox, as their reasons. */
async function signalNotes(operator: string): Promise<(string | undefined)[]> {
  const notes = await factory.inbox.list(operator, { limit: 100 });
  return notes.filter((note) => note.ref?.kind === "signal").map((note) => note.reason);
}

/** Routes a signal to each line in turn with the automations stopped, then lets them catch up, as a cron run does. */
async function routeThenCatchUp(lines: readonly string[]): Promise<void> {
  const signal = await factory.work.captureSignal({ text: "Something feels slow today", source: "support" });
  for (const line of lines) await factory.work.routeSignal(signal.id, line, { actor: "sana" });
  await factory.close();
  factory = await open(true);
  await factory.automations?.idle();
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-routed-again-"));
  factory = await open(false);
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }, { id: "sana" }],
    lines: [
      { id: "billing", description: "Subscription plans and invoices", owner: "bo" },
      { id: "search", description: "Product search", owner: "ana" },
    ],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("route-new-signals catching up on routings", () => {
  it("tells only the owner of the line a signal is on, not of a line it was moved off", async () => {
    await routeThenCatchUp(["billing", "search"]);
    expect(await signalNotes("bo")).toEqual([]);
    expect(await signalNotes("ana")).toEqual(["owner of search"]);
  });

  it("tells the owner once when a signal is moved away and back", async () => {
    await routeThenCatchUp(["billing", "search", "billing"]);
    expect(await signalNotes("bo")).toEqual(["owner of billing"]);
    expect(await signalNotes("ana")).toEqual([]);
  });
});
