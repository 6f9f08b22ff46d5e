/**
 * `signal-routed-within-sla` on a signal routed after its SLA: the finding
 * says how late it was routed and asks for nothing more, since routing it
 * again would change nothing; a signal still unrouted past its SLA is asked to
 * be routed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manualClock } from "@software-factory/core";
import { type Factory, installBuiltinStandards, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const HOUR = 3_600_000;
const clock = manualClock("2030-01-01T09:00:00Z");
let dir: string;
let factory: Factory;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "signal-routed-late-"));
  factory = await openFactory({ dir, clock, durability: "normal" });
  installBuiltinStandards(factory);
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana" }],
  });
});

afterEach(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("signal-routed-within-sla", () => {
  it("reports a signal routed late with how late, and no fix asking to route it", async () => {
    const late = await factory.work.captureSignal({
      text: "no receipt",
      source: "support",
      severity: "critical",
    });
    const unrouted = await factory.work.captureSignal({
      text: "cannot pay",
      source: "support",
      severity: "critical",
    });
    clock.advance(6 * HOUR);
    await factory.work.routeSignal(late.id, "checkout");

    const found = await factory.standards.check({ rules: ["signal-routed-within-sla"] });
    const byId = new Map(found.map((finding) => [finding.target.id, finding]));
    const routedLate = byId.get(late.id);
    expect(routedLate).toMatchObject({
      message: `critical signal ${late.id} was routed after 6.0 h (SLA 4.0 h)`,
      hint: "none: it is routed, so nothing is left to do but note the delay",
    });
    expect(routedLate?.fix).toBeUndefined();
    expect(byId.get(unrouted.id)).toMatchObject({
      message: `critical signal ${unrouted.id} is unrouted after 6.0 h (SLA 4.0 h)`,
      fix: { action: "route it to its line", cli: `factory signal route ${unrouted.id} --to <line>` },
    });
  });
});
