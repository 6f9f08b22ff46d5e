import {
  type AssemblyLine,
  foldAssemblyHistory,
  measureAssembly,
  ValidationError,
} from "@software-factory/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";

/**
 * A scripted week on two lines, hour by hour from Monday 2026-03-02 09:00 UTC
 * (h0). Every item follows the `tiny` flow: intake, implementation, testing,
 * release (delivery). The expected values below are worked out by hand from
 * this script, not from the code under test.
 *
 *   h0  S1 captured by fiona, routed to checkout; A created from S1; A's requirement REQ and design DES, DES derivesFrom REQ
 *   h1  S2 captured (unrouted); B created from S2
 *   h2  S3 captured (unrouted); A -> implementation; C created
 *   h3  B -> implementation; D created on line search (owner sam)
 *   h4  B blocked; C -> implementation; D -> implementation
 *   h5  C refused by the testing gate; E created; S2 routed to checkout
 *   h6  B unblocked; C -> testing; E dropped; REQ changed (DES link suspect)
 *   h7  DES link reviewed "adapted"; F created
 *   h8  B -> testing; F -> implementation; S3 routed to search
 *   h9  B sent back to implementation (defect)
 *   h10 A -> testing
 *   h11 B -> testing
 *   h12 A -> release (delivered; S1 resolved)
 *   h13 B -> release (delivered; S2 resolved)
 *   h20 A completed
 *   h30 C -> release (delivered)
 */
const H0 = Date.parse("2026-03-02T09:00:00Z");
const HOUR = 3_600_000;
const week = { from: new Date(H0), to: new Date(H0 + 7 * 24 * HOUR) };

let factory: TestFactory;
let line: AssemblyLine;

beforeAll(async () => {
  let gateOpen = false;
  factory = await openTestFactory({
    lines: { ownerOf: (id) => (id === "checkout" ? "olivia" : "sam"), wipLimitOf: () => undefined },
    gates: [
      {
        name: "testing-ready",
        stages: ["testing"],
        check: () => (gateOpen ? { pass: true } : { pass: false, findings: [{ message: "test env down" }] }),
      },
    ],
  });
  line = factory.line;
  const at = (hour: number) => factory.clock.set(H0 + hour * HOUR);
  const tiny = (title: string, lineId = "checkout", signals: string[] = []) =>
    line.createWorkItem({ line: lineId, title, flow: "tiny", signals });
  const evidence = async (id: string, kind: "changeSet" | "testEvidence") =>
    line.recordArtifact({
      kind,
      title: kind,
      fields: kind === "changeSet" ? changeSet : testRun(),
      workItem: id,
    });

  at(0);
  const s1 = await line.captureSignal({
    text: "Pay later",
    source: "support",
    line: "checkout",
    actor: "fiona",
  });
  const a = await tiny("A", "checkout", [s1.id]);
  await line.recordArtifact({
    id: "REQ",
    kind: "requirement",
    title: "Pay later",
    fields: { body: "v1" },
    workItem: a.id,
  });
  const des = await line.recordArtifact({
    kind: "design",
    title: "Design",
    fields: { body: "d" },
    workItem: a.id,
  });
  const link = await line.link({ from: des.artifact.id, to: "REQ", type: "derivesFrom" });
  at(1);
  const s2 = await line.captureSignal({ text: "Refunds slow", source: "sales", actor: "fiona" });
  const b = await tiny("B", "checkout", [s2.id]);
  at(2);
  const s3 = await line.captureSignal({ text: "Search typo", source: "support", actor: "fiona" });
  await line.advance(a.id);
  const c = await tiny("C");
  at(3);
  await line.advance(b.id);
  const d = await tiny("D", "search");
  at(4);
  await line.block(b.id, { reason: "waiting for API keys" });
  await line.advance(c.id);
  await line.advance(d.id);
  at(5);
  await evidence(c.id, "changeSet");
  await expect(line.advance(c.id)).rejects.toMatchObject({ _tag: "GateFailedError" });
  const e = await tiny("E");
  await line.routeSignal(s2.id, "checkout", { actor: "fiona" });
  at(6);
  await line.unblock(b.id);
  gateOpen = true;
  await line.advance(c.id);
  await line.drop(e.id, { reason: "duplicate" });
  await line.recordArtifact({ id: "REQ", kind: "requirement", title: "Pay later", fields: { body: "v2" } });
  at(7);
  await line.reviewLink(link.id, { verdict: "adapted" });
  const f = await tiny("F");
  at(8);
  await evidence(b.id, "changeSet");
  await line.advance(b.id);
  await line.advance(f.id);
  await line.routeSignal(s3.id, "search", { actor: "fiona" });
  at(9);
  await line.sendBack(b.id, { reason: "failing test", cause: "defect" });
  at(10);
  await evidence(a.id, "changeSet");
  await line.advance(a.id);
  at(11);
  await line.advance(b.id);
  at(12);
  await evidence(a.id, "testEvidence");
  await line.advance(a.id);
  at(13);
  await evidence(b.id, "testEvidence");
  await line.advance(b.id);
  at(20);
  await line.complete(a.id);
  at(30);
  await evidence(c.id, "testEvidence");
  await line.advance(c.id);
  // A scripted history is many writes; give it time on a loaded machine.
}, 180_000);
afterAll(async () => {
  await factory?.close();
});

describe("measures", () => {
  it("computes factory-wide yield over the week", async () => {
    const m = await line.measures(week);
    expect(m.window).toEqual({ from: "2026-03-02T09:00:00.000Z", to: "2026-03-09T09:00:00.000Z", days: 7 });
    // A, B and C delivered; A had a link cleared as adapted, B was sent back, C was refused by a gate.
    expect(m.yield).toMatchObject({ delivered: 3, firstPass: 0, rate: 0 });
    expect(m.yield.rework).toEqual({
      sendBacks: 1,
      byCause: { defect: 1, upstream: 0, incident: 0, other: 0 },
      adaptedLinks: 1,
      gateFailures: 1,
    });
    expect(m.yield.byStage).toEqual({
      intake: { items: 3, firstPass: 3, rate: 1 },
      implementation: { items: 3, firstPass: 2, rate: 2 / 3 }, // C refused leaving implementation
      testing: { items: 3, firstPass: 2, rate: 2 / 3 }, // B sent back from testing
      release: { items: 3, firstPass: 3, rate: 1 },
    });
  });

  it("makes the yield definition configurable", async () => {
    const m = await line.measures({ ...week, yield: { adaptedLinks: false } });
    expect(m.yield).toMatchObject({ delivered: 3, firstPass: 1, rate: 1 / 3 }); // A counts now
  });

  it("computes throughput, lead and cycle times, WIP and flow efficiency", async () => {
    const m = await line.measures(week);
    expect(m.throughput.delivered).toBe(3);
    expect(m.throughput.perWeek).toBe(3);
    // Lead times A 12 h, B 12 h, C 28 h: p50 is the 2nd of 3, p85 the 3rd (nearest rank).
    expect(m.throughput.leadTimeHours).toEqual({ p50: 12, p85: 28, count: 3 });
    expect(m.throughput.cycleTimeHours).toEqual({
      intake: { p50: 2, p85: 2, count: 3 }, // 2, 2, 2
      implementation: { p50: 7, p85: 8, count: 3 }, // A 8, B 5 + 2, C 2
      testing: { p50: 3, p85: 24, count: 3 }, // A 2, B 1 + 2, C 24
      release: { p50: 8, p85: 8, count: 1 }, // only A left release (completed at h20)
    });
    // At the end of the week: B and C in release, D and F in implementation; A done, E dropped.
    expect(m.throughput.wip).toBe(4);
    // 52 h of lead time, of which B spent 2 h blocked.
    expect(m.throughput.flowEfficiency).toBeCloseTo(50 / 52, 10);
  });

  it("computes signal resolution", async () => {
    const m = await line.measures(week);
    expect(m.signals).toEqual({
      captured: 3,
      routed: 3,
      turnedIntoWork: 2,
      resolved: 2,
      routedShare: 1,
      workShare: 2 / 3,
      resolvedShare: 2 / 3,
      medianHoursToRoute: 4, // 0, 4, 6
      medianHoursToResolve: 12, // S1 12 h, S2 12 h
    });
  });

  it("measures per line and per operator", async () => {
    const checkout = await line.measures({ ...week, line: "checkout" });
    expect(checkout.throughput).toMatchObject({ delivered: 3, wip: 3 });
    expect(checkout.signals).toMatchObject({ captured: 2, resolved: 2 });
    const search = await line.measures({ ...week, line: "search" });
    expect(search.yield).toMatchObject({ delivered: 0, rate: null });
    expect(search.throughput).toMatchObject({
      wip: 1,
      flowEfficiency: null,
      leadTimeHours: { p50: null, p85: null, count: 0 },
    });
    expect(search.signals).toMatchObject({ captured: 1, routed: 1, resolved: 0, medianHoursToRoute: 6 });
    expect((await line.measures({ ...week, operator: "sam" })).throughput).toMatchObject({
      delivered: 0,
      wip: 1,
    });
    expect((await line.measures({ ...week, operator: "olivia" })).throughput).toMatchObject({
      delivered: 3,
      wip: 3,
    });
    expect((await line.measures({ ...week, operator: "fiona" })).signals.captured).toBe(3);
  });

  it("counts everything as of the window's end", async () => {
    const events = await factory.log.read({ limit: 10_000 });
    const m = measureAssembly(foldAssemblyHistory(events), {
      from: week.from,
      to: new Date(H0 + 12.5 * HOUR),
    });
    expect(m.throughput).toMatchObject({
      delivered: 1,
      wip: 5,
      leadTimeHours: { p50: 12, p85: 12, count: 1 },
    });
    expect(m.yield).toMatchObject({ delivered: 1, firstPass: 0 });
    expect(m.signals).toMatchObject({ captured: 3, resolved: 1, medianHoursToResolve: 12 });
  });

  it("gives the same measures from the live line as from folding the log afresh", async () => {
    const events = await factory.log.read({ limit: 10_000 });
    expect(await line.measures(week)).toEqual(measureAssembly(foldAssemblyHistory(events), week));
  });

  it("rejects a window that ends before it starts", () => {
    expect(() => measureAssembly(foldAssemblyHistory([]), { from: week.to, to: week.from })).toThrow(
      ValidationError,
    );
    expect(() => measureAssembly(foldAssemblyHistory([]), { from: week.to, to: week.from })).toThrow(
      /to: from must be before to/,
    );
  });
});
