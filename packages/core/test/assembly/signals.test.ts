import { ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("signals", () => {
  it("follows a signal from capture through routing and work to resolution on release", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    const captured = await line.captureSignal({
      text: "Refunds take a week",
      source: "sales-call",
      customer: "acme",
      severity: "high",
      actor: "fiona",
    });
    expect(captured).toMatchObject({
      capturedBy: "fiona",
      line: undefined,
      resolvedAt: undefined,
      workItems: [],
    });
    clock.advance(60_000);
    expect((await line.routeSignal(captured.id, "payments")).routedAt).toBe("2026-03-02T09:01:00.000Z");
    const item = await line.createWorkItem({
      line: "payments",
      title: "Instant refunds",
      flow: "tiny",
      signals: [captured.id],
    });
    expect(line.signal(captured.id)?.workItems).toEqual([item.id]);
    await line.advance(item.id);
    await line.recordArtifact({ kind: "changeSet", title: "c", fields: changeSet, workItem: item.id });
    await line.advance(item.id);
    await line.recordArtifact({ kind: "testEvidence", title: "t", fields: testRun(), workItem: item.id });
    expect(line.signal(captured.id)?.resolvedAt).toBeUndefined();
    clock.advance(60_000);
    await line.advance(item.id);
    expect(line.signal(captured.id)?.resolvedAt).toBe("2026-03-02T09:02:00.000Z");
    expect(line.signals({ line: "payments" })).toHaveLength(1);
  });

  it("writes nothing when a signal is routed to the line it is on, here or from another process", async () => {
    factory = await openTestFactory();
    const { line, log } = factory;
    const signal = await line.captureSignal({
      text: "Refunds take a week",
      source: "support",
      line: "payments",
    });
    const other = await factory.reopen();
    const routings = async () => (await log.read({ types: ["signal.routed"] })).length;
    expect(await routings()).toBe(1);
    await line.routeSignal(signal.id, "payments");
    await other.line.routeSignal(signal.id, "payments");
    expect(await routings()).toBe(1);
    expect((await line.routeSignal(signal.id, "checkout")).line).toBe("checkout");
    await other.line.routeSignal(signal.id, "checkout");
    expect(await routings()).toBe(2);
  });

  it("keeps the first routing beside the last, and measures hours to routing from the first", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    const from = new Date(clock.now());
    const signal = await line.captureSignal({
      text: "Cards declined",
      source: "support",
      severity: "critical",
    });
    clock.advance(3_600_000);
    await line.routeSignal(signal.id, "payments");
    clock.advance(52 * 3_600_000);
    const moved = await line.routeSignal(signal.id, "checkout", { actor: "triage" });
    expect(moved).toMatchObject({
      line: "checkout",
      firstRoutedAt: "2026-03-02T10:00:00.000Z",
      routedAt: "2026-03-04T14:00:00.000Z",
      routedBy: "triage",
    });
    const other = await factory.reopen();
    expect(other.line.signal(signal.id)?.firstRoutedAt).toBe("2026-03-02T10:00:00.000Z");
    const measures = await line.measures({ from, to: new Date(clock.now().getTime() + 1) });
    expect(measures.signals).toMatchObject({ routed: 1, medianHoursToRoute: 1 });
  });

  it("refuses work from unknown signals and routing to a malformed line", async () => {
    factory = await openTestFactory();
    await expect(
      factory.line.createWorkItem({ line: "x", title: "y", signals: ["sig_nope"] }),
    ).rejects.toThrow(/signals\[0\] names an unknown signal "sig_nope"/);
    const signal = await factory.line.captureSignal({ text: "t", source: "s" });
    await expect(factory.line.routeSignal(signal.id, "bad line!")).rejects.toBeInstanceOf(ValidationError);
    await expect(factory.line.captureSignal({ text: " ", source: "s" })).rejects.toThrow(
      /text: text must not be empty/,
    );
  });

  it("lands a move retried with the same idempotency key once and returns the item", async () => {
    factory = await openTestFactory();
    const item = await factory.line.createWorkItem({ line: "x", title: "y" });
    const first = await factory.line.advance(item.id, { idempotencyKey: "move-1" });
    const head = await factory.log.head();

    const retried = await factory.line.advance(item.id, { idempotencyKey: "move-1" });

    expect(retried).toEqual(first);
    expect(retried).toMatchObject({ stage: "requirements", version: 2 });
    expect(await factory.log.head()).toBe(head);
  });

  it("refuses an idempotency key reused to move another item", async () => {
    factory = await openTestFactory();
    const one = await factory.line.createWorkItem({ line: "x", title: "one" });
    const two = await factory.line.createWorkItem({ line: "x", title: "two" });
    await factory.line.block(one.id, { reason: "waiting" }, { idempotencyKey: "k-1" });

    await expect(factory.line.advance(two.id, { idempotencyKey: "k-1" })).rejects.toMatchObject({
      _tag: "IdempotencyConflictError",
    });
    expect(factory.line.get(two.id)?.version).toBe(1);
  });
});
