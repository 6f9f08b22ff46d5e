import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AssemblyLineService, ClockService, EventLogService, manualClock } from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import { FactoryService, IntelligenceService, installBuiltinStandards } from "@software-factory/intelligence";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect, Layer } from "effect";
import { TestClock } from "effect/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-layer-test-clock-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * At 2030-01-01T09:00 by the TestClock: a plan, a note and a critical signal;
 * five hours later by `adjust`, another note and a check of the signal SLA.
 */
const aDayUnderTheClock = Effect.gen(function* () {
  const factory = yield* FactoryService;
  const floorplan = yield* FloorPlanService;
  const knowledge = yield* KnowledgeBaseService;
  const work = yield* AssemblyLineService;
  const intelligence = yield* IntelligenceService;
  const log = yield* EventLogService;
  installBuiltinStandards(factory);
  yield* TestClock.setTime(Date.parse("2030-01-01T09:00:00Z"));
  yield* floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] }],
  });
  const first = yield* knowledge.capture({
    kind: "note",
    title: "Early",
    body: "Before.",
    source: { system: "t" },
  });
  const signal = yield* work.captureSignal({ text: "cannot pay", source: "support", severity: "critical" });
  yield* TestClock.adjust("5 hours");
  const later = yield* knowledge.capture({
    kind: "note",
    title: "Late",
    body: "After.",
    source: { system: "t" },
  });
  const findings = yield* intelligence.check({ rules: ["signal-routed-within-sla"] });
  const stamps = (yield* log.read()).map((event) => event.at);
  return {
    first: first.createdAt,
    signal: signal.capturedAt,
    later: later.createdAt,
    clock: factory.log.clock.now().toISOString(),
    findings: findings.map((finding) => finding.message.replace(signal.id, "<signal>")),
    stamps: [...new Set(stamps)],
  };
});

describe("FactoryService.layer under Effect's TestClock", () => {
  it("stamps events and judges the SLA by the TestClock, moved by adjust", async () => {
    const layer = FactoryService.layer({ dir }).pipe(Layer.provideMerge(TestClock.layer()));

    const seen = await Effect.runPromise(Effect.provide(aDayUnderTheClock, layer));

    expect(seen).toEqual({
      first: "2030-01-01T09:00:00.000Z",
      signal: "2030-01-01T09:00:00.000Z",
      later: "2030-01-01T14:00:00.000Z",
      clock: "2030-01-01T14:00:00.000Z",
      findings: ["critical signal <signal> is unrouted after 5.0 h (SLA 4.0 h)"],
      stamps: ["2030-01-01T09:00:00.000Z", "2030-01-01T14:00:00.000Z"],
    });
  });

  it("stamps with a ClockService of the context over the TestClock", async () => {
    const layer = FactoryService.layer({ dir }).pipe(
      Layer.provide(Layer.succeed(ClockService, manualClock("2031-06-01T12:00:00Z"))),
      Layer.provideMerge(TestClock.layer()),
    );

    const seen = await Effect.runPromise(Effect.provide(aDayUnderTheClock, layer));

    expect(seen).toEqual({
      first: "2031-06-01T12:00:00.000Z",
      signal: "2031-06-01T12:00:00.000Z",
      later: "2031-06-01T12:00:00.000Z",
      clock: "2031-06-01T12:00:00.000Z",
      findings: [],
      stamps: ["2031-06-01T12:00:00.000Z"],
    });
  });
});
