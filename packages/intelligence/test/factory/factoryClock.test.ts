import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ManualClock, manualClock } from "@software-factory/core";
import { type Factory, installBuiltinStandards, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const HOUR = 3_600_000;

let dir: string;
let clock: ManualClock;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-clock-"));
  clock = manualClock("2030-01-01T09:00:00.000Z");
  factory = await openFactory({ dir, clock, durability: "normal" });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] }],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a factory opened with a manual clock", () => {
  it("captures a document given no dates as valid from the clock's time", async () => {
    const document = await factory.knowledge.capture({
      kind: "note",
      title: "Undated",
      body: "Captured without validFrom or capturedAt.",
      source: { system: "t" },
    });

    expect(document.validFrom).toBe("2030-01-01T09:00:00.000Z");
  });

  it("decides whether a document is current by the clock, not the machine's time", async () => {
    const machineNow = Date.now();
    const note = (title: string, validTo: number) =>
      factory.knowledge.capture({
        kind: "note",
        title,
        body: `${title} holds until ${new Date(validTo).toISOString()}.`,
        source: { system: "t" },
        validFrom: new Date(machineNow - 24 * HOUR).toISOString(),
        validTo: new Date(validTo).toISOString(),
      });
    const endsTomorrow = await note("Freeze", machineNow + 24 * HOUR);
    const endedAnHourAgo = await note("Tariff", machineNow - HOUR);
    const current = async () => (await factory.knowledge.list()).map((document) => document.id);

    const in2030 = await current();
    clock.set(machineNow - 2 * HOUR);
    const twoHoursAgo = await current();

    expect(in2030).toEqual([]);
    expect(twoHoursAgo.sort()).toEqual([endsTomorrow.id, endedAnHourAgo.id].sort());
  });

  it("fires the signal SLA rule by the clock", async () => {
    installBuiltinStandards(factory);
    const signal = await factory.work.captureSignal({
      text: "cannot pay",
      source: "support",
      severity: "critical",
    });
    const slaFindings = async () =>
      (await factory.standards.check({ rules: ["signal-routed-within-sla"] })).map(
        (finding) => finding.message,
      );

    clock.advance(3 * HOUR);
    const within = await slaFindings();
    clock.advance(2 * HOUR);
    const late = await slaFindings();

    expect(signal.capturedAt).toBe("2030-01-01T09:00:00.000Z");
    expect(within).toEqual([]);
    expect(late).toEqual([`critical signal ${signal.id} is unrouted after 5.0 h (SLA 4.0 h)`]);
  });
});
