import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";

const H0 = Date.parse("2026-03-02T09:00:00Z");
const HOUR = 3_600_000;
const upTo = (hour: number) => ({ from: new Date(H0), to: new Date(H0 + hour * HOUR) });

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

/** One tiny-flow item on checkout: implementation at h1, testing at h2, release (delivered) at h3. */
async function deliverOne(opened?: TestFactory): Promise<string> {
  factory = opened ?? (await openTestFactory());
  const { line, clock } = factory;
  const at = (hour: number) => clock.set(H0 + hour * HOUR);
  at(0);
  const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });
  at(1);
  await line.advance(item.id);
  await line.recordArtifact({ kind: "changeSet", title: "c", fields: changeSet, workItem: item.id });
  at(2);
  await line.advance(item.id);
  await line.recordArtifact({ kind: "testEvidence", title: "t", fields: testRun(), workItem: item.id });
  at(3);
  await line.advance(item.id);
  return item.id;
}

describe("measures at the window's end", () => {
  it("leaves out a stay that ends exactly at the window's end, as it counts the item in WIP there", async () => {
    const item = await deliverOne();
    factory.clock.set(H0 + 5 * HOUR);
    await factory.line.complete(item);
    const atCompletion = await factory.line.measures(upTo(5));
    // As of h5 (exclusive) the item is still in release: in WIP, its release stay not finished.
    expect(atCompletion.throughput.wip).toBe(1);
    expect(atCompletion.throughput.cycleTimeHours.release).toBeUndefined();
    expect(atCompletion.throughput.cycleTimeHours.testing).toEqual({ p50: 1, p85: 1, count: 1 });
    const after = await factory.line.measures(upTo(6));
    expect(after.throughput.wip).toBe(0);
    expect(after.throughput.cycleTimeHours.release).toEqual({ p50: 2, p85: 2, count: 1 });
  });

  it("counts a link adapted after the window's end against no yield of the window", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    clock.set(H0);
    await line.recordArtifact({
      id: "REQ",
      kind: "requirement",
      title: "Pay by link",
      fields: { body: "v1" },
    });
    const item = await deliverOne(factory);
    const change = line.artifactsOf(item).find((artifact) => artifact.kind === "changeSet");
    const link = await line.link({ from: change?.id ?? "", to: "REQ", type: "implements" });
    clock.set(H0 + 10 * HOUR);
    await line.recordArtifact({
      id: "REQ",
      kind: "requirement",
      title: "Pay by link",
      fields: { body: "v2" },
    });
    await line.reviewLink(link.id, { verdict: "adapted" });
    // As of h5 the item was delivered clean; the rework came at h10.
    expect((await line.measures(upTo(5))).yield).toMatchObject({
      delivered: 1,
      firstPass: 1,
      rework: { adaptedLinks: 0 },
    });
    expect((await line.measures(upTo(11))).yield).toMatchObject({
      delivered: 1,
      firstPass: 0,
      rework: { adaptedLinks: 1 },
    });
  });
});

describe("signal resolution per line", () => {
  it("counts a signal on the line it was routed to as of the window's end, not on a later one", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    clock.set(H0);
    const signal = await line.captureSignal({ text: "Cards declined", source: "support" });
    clock.set(H0 + HOUR);
    await line.routeSignal(signal.id, "checkout");
    clock.set(H0 + 30 * HOUR);
    await line.routeSignal(signal.id, "payments");
    // As of h10 the signal is checkout's, routed after 1 h; payments had none.
    expect((await line.measures({ ...upTo(10), line: "checkout" })).signals).toMatchObject({
      captured: 1,
      routed: 1,
      medianHoursToRoute: 1,
    });
    expect((await line.measures({ ...upTo(10), line: "payments" })).signals.captured).toBe(0);
    expect((await line.measures({ ...upTo(31), line: "payments" })).signals).toMatchObject({
      captured: 1,
      routed: 1,
    });
    expect((await line.measures({ ...upTo(31), line: "checkout" })).signals.captured).toBe(0);
  });
});

describe("measures per operator", () => {
  it("counts an item for the operator who owned it at the window's end, not one assigned later", async () => {
    const item = await deliverOne();
    const { line, clock } = factory;
    await line.assign(item, { owner: "olivia" }); // at h3, on delivery
    clock.set(H0 + 30 * HOUR);
    await line.assign(item, { owner: "sam" }); // handed over a day later
    expect((await line.measures({ ...upTo(10), operator: "olivia" })).yield.delivered).toBe(1);
    expect((await line.measures({ ...upTo(10), operator: "sam" })).yield.delivered).toBe(0);
    expect((await line.measures({ ...upTo(31), operator: "sam" })).throughput.wip).toBe(1);
  });
});
