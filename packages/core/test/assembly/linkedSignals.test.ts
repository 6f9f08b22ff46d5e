import type { AssemblyLine } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, refusedWrite, type TestFactory, testRun } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

const HOUR = 3_600_000;

/** Takes a tiny-flow item to release, its delivery stage. */
async function deliver(line: AssemblyLine, id: string): Promise<void> {
  await line.advance(id);
  await line.recordArtifact({ kind: "changeSet", title: "c", fields: changeSet, workItem: id });
  await line.advance(id);
  await line.recordArtifact({ kind: "testEvidence", title: "t", fields: testRun(), workItem: id });
  await line.advance(id);
}

/** The signal measures of everything captured from the factory's start to `to`. */
async function signalsAsOf(line: AssemblyLine, to: number) {
  return (await line.measures({ from: new Date("2026-03-01T00:00:00Z"), to: new Date(to) })).signals;
}

describe("signals linked to work", () => {
  it("attaches a signal linked from a work item as one given at create: its work, turned into work, resolved on delivery", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    const first = await line.captureSignal({ text: "Card payments time out", source: "support" });
    const duplicate = await line.captureSignal({ text: "Checkout hangs on pay", source: "support" });
    const item = await line.createWorkItem({
      line: "checkout",
      title: "Payment timeouts",
      flow: "tiny",
      signals: [first.id],
    });
    clock.advance(HOUR);
    const beforeLink = clock.now().getTime();
    await line.link({ from: item.id, to: duplicate.id, type: "addresses" });

    expect(line.signal(duplicate.id)?.workItems).toEqual([item.id]);
    expect(line.get(item.id)?.signals).toEqual([first.id, duplicate.id]);
    expect((await factory.reopen()).line.signal(duplicate.id)?.workItems).toEqual([item.id]);
    expect((await signalsAsOf(line, beforeLink)).turnedIntoWork).toBe(1);
    expect((await signalsAsOf(line, clock.now().getTime() + 1)).turnedIntoWork).toBe(2);

    clock.advance(HOUR);
    await deliver(line, item.id);
    const resolved = await factory.log.read({ types: ["signal.resolved"] });
    expect(resolved.map((event) => event.subject).sort()).toEqual([first.id, duplicate.id].sort());
    expect(line.signal(duplicate.id)?.resolvedAt).toBe(clock.now().toISOString());
    expect(await signalsAsOf(line, clock.now().getTime() + 1)).toMatchObject({
      captured: 2,
      turnedIntoWork: 2,
      resolved: 2,
    });
  });

  it("resolves a signal linked to work delivered already, in the same write", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Timeouts", flow: "tiny" });
    await deliver(line, item.id);
    const late = await line.captureSignal({ text: "Card payments time out", source: "support" });
    const head = await factory.log.head();
    await line.link({ from: item.id, to: late.id, type: "addresses" });

    expect((await factory.log.read({ after: head })).map((event) => event.type)).toEqual([
      "trace.linked",
      "signal.resolved",
    ]);
    expect(line.signal(late.id)?.resolvedAt).toBeDefined();
    const again = await factory.log.head();
    await line.link({ from: item.id, to: late.id, type: "addresses" });
    expect(await factory.log.head()).toBe(again);
  });

  it("detaches a signal whose link is reviewed obsolete, as of that moment, and attaches it again on a new link", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    const signal = await line.captureSignal({ text: "Refunds take a week", source: "support" });
    const given = await line.captureSignal({ text: "Refunds are slow", source: "support" });
    const item = await line.createWorkItem({
      line: "payments",
      title: "Instant refunds",
      flow: "tiny",
      signals: [given.id],
    });
    clock.advance(HOUR);
    const link = await line.link({ from: item.id, to: signal.id, type: "addresses" });
    const onGiven = await line.link({ from: item.id, to: given.id, type: "addresses" });
    clock.advance(HOUR);
    const linked = clock.now().getTime();
    await line.reviewLink(link.id, { verdict: "obsolete", note: "another problem" });
    await line.reviewLink(onGiven.id, { verdict: "obsolete" });

    expect(line.signal(signal.id)?.workItems).toEqual([]);
    expect(line.get(item.id)?.signals).toEqual([given.id]);
    expect(line.signal(given.id)?.workItems).toEqual([item.id]);
    expect((await signalsAsOf(line, linked)).turnedIntoWork).toBe(2);
    expect((await signalsAsOf(line, clock.now().getTime() + 1)).turnedIntoWork).toBe(1);

    await deliver(line, item.id);
    const resolved = await factory.log.read({ types: ["signal.resolved"] });
    expect(resolved.map((event) => event.subject)).toEqual([given.id]);

    const relinked = await line.link({ from: item.id, to: signal.id, type: "addresses" });
    expect(relinked.id).not.toBe(link.id);
    expect(line.signal(signal.id)).toMatchObject({ workItems: [item.id], resolvedAt: expect.any(String) });
    expect((await signalsAsOf(line, clock.now().getTime() + 1)).turnedIntoWork).toBe(2);
  });

  it("undoes the resolution a link brought when the link is reviewed obsolete, as of that moment", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    const item = await line.createWorkItem({ line: "checkout", title: "Timeouts", flow: "tiny" });
    await deliver(line, item.id);
    const signal = await line.captureSignal({ text: "Invoices are late", source: "support" });
    clock.advance(HOUR);
    const wrong = await line.link({ from: item.id, to: signal.id, type: "addresses" });
    clock.advance(HOUR);
    const linked = clock.now().getTime();
    await line.reviewLink(wrong.id, { verdict: "obsolete", note: "another problem" });

    expect(line.signal(signal.id)).toMatchObject({ workItems: [], resolvedAt: undefined });
    expect((await factory.reopen()).line.signal(signal.id)?.resolvedAt).toBeUndefined();
    expect(await signalsAsOf(line, linked)).toMatchObject({ resolved: 1, medianHoursToResolve: 1 });
    expect(await signalsAsOf(line, clock.now().getTime() + 1)).toMatchObject({
      turnedIntoWork: 0,
      resolved: 0,
    });

    clock.advance(HOUR);
    await line.link({ from: item.id, to: signal.id, type: "addresses" });
    expect(line.signal(signal.id)?.resolvedAt).toBe(clock.now().toISOString());
    expect(await signalsAsOf(line, clock.now().getTime() + 1)).toMatchObject({
      resolved: 1,
      medianHoursToResolve: 3,
    });
  });

  it("refuses a link from a signal to the work that addresses it, naming the link meant", async () => {
    factory = await openTestFactory();
    const { line } = factory;
    const signal = await line.captureSignal({ text: "Card payments time out", source: "support" });
    const item = await line.createWorkItem({ line: "checkout", title: "Timeouts" });
    const error = await refusedWrite(factory, () =>
      line.link({ from: signal.id, to: item.id, type: "addresses" }),
    );
    expect(error.message).toBe(
      `trace link is invalid: from: "${signal.id}" is a signal, and a signal is the upstream end of addresses: the work item or requirement addresses the signal (link "${item.id} addresses ${signal.id}")`,
    );
  });
});
