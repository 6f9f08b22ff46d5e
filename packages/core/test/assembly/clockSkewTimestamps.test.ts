import { describe, expect, it } from "vitest";
import { changeSet, testRun } from "./fixtures/factory.js";
import { useSkewedWriters } from "./fixtures/skewedWriters.js";

/** Two processes on one SQLite file: Alice's clock is right, Bob's runs a day behind. */
const skewedWriters = useSkewedWriters();

const ms = (at: string | undefined) => Date.parse(at ?? "");

describe("timestamps of projections over writers whose clocks disagree", () => {
  it("never show a work item changed, moved, delivered or closed before it was created", async () => {
    const { alice, bob, bobClock } = await skewedWriters();
    const item = await alice.createWorkItem({ line: "checkout", title: "Pay", flow: "tiny" });
    await bob.refresh();
    await bob.advance(item.id);
    await bob.recordArtifact({ kind: "changeSet", title: "endpoint", workItem: item.id, fields: changeSet });
    bobClock.advance(2 * 3_600_000);
    await bob.advance(item.id);
    await bob.recordArtifact({ kind: "testEvidence", title: "CI", workItem: item.id, fields: testRun() });
    await bob.advance(item.id);
    await bob.complete(item.id);

    for (const line of [alice, bob]) {
      await line.refresh();
      const done = line.get(item.id);
      expect(done).toMatchObject({ state: "done", createdAt: "2026-03-02T09:00:00.000Z" });
      // Every step of Bob's is stamped a day before the creation: each reads as the creation's moment.
      expect(done?.updatedAt).toBe("2026-03-02T09:00:00.000Z");
      expect(done?.stageEnteredAt).toBe("2026-03-02T09:00:00.000Z");
      expect(done?.deliveredAt).toBe("2026-03-02T09:00:00.000Z");
      expect(done?.closedAt).toBe("2026-03-02T09:00:00.000Z");
    }
  });

  it("keep each later step after the one before it, and a step stamped later at its own time", async () => {
    const { alice, bob, aliceClock } = await skewedWriters();
    const item = await alice.createWorkItem({ line: "checkout", title: "Pay", flow: "tiny" });
    aliceClock.advance(3_600_000);
    await alice.block(item.id, { reason: "waiting on the PSP" });
    await bob.refresh();
    await bob.unblock(item.id);
    expect(ms(bob.get(item.id)?.updatedAt)).toBeGreaterThanOrEqual(ms("2026-03-02T10:00:00.000Z"));
    aliceClock.advance(3_600_000);
    await alice.refresh();
    await alice.advance(item.id);
    expect(alice.get(item.id)).toMatchObject({
      updatedAt: "2026-03-02T11:00:00.000Z",
      stageEnteredAt: "2026-03-02T11:00:00.000Z",
    });
  });

  it("never show a signal routed or resolved before its capture, an incident resolved before it opened, or a version recorded before the one it replaces", async () => {
    const { alice, bob } = await skewedWriters();
    const signal = await alice.captureSignal({ text: "Cards get declined", source: "support" });
    const incident = await alice.openIncident({ title: "Checkout down" });
    await alice.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Login", fields: { body: "a" } });
    await bob.refresh();
    await bob.routeSignal(signal.id, "checkout");
    await bob.resolveIncident(incident);
    await bob.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Login", fields: { body: "b" } });
    const item = await bob.createWorkItem({
      line: "checkout",
      title: "Fix",
      flow: "tiny",
      signals: [signal.id],
    });
    await bob.advance(item.id);
    await bob.recordArtifact({ kind: "changeSet", title: "fix", workItem: item.id, fields: changeSet });
    await bob.advance(item.id);
    await bob.recordArtifact({ kind: "testEvidence", title: "CI", workItem: item.id, fields: testRun() });
    await bob.advance(item.id);

    for (const line of [alice, bob]) {
      await line.refresh();
      const routed = line.signal(signal.id);
      expect(routed).toMatchObject({
        capturedAt: "2026-03-02T09:00:00.000Z",
        firstRoutedAt: "2026-03-02T09:00:00.000Z",
        routedAt: "2026-03-02T09:00:00.000Z",
        resolvedAt: "2026-03-02T09:00:00.000Z",
      });
      expect(line.incident(incident)).toMatchObject({
        openedAt: "2026-03-02T09:00:00.000Z",
        resolvedAt: "2026-03-02T09:00:00.000Z",
      });
      expect(line.artifact("REQ-1")).toMatchObject({ version: 2, recordedAt: "2026-03-02T09:00:00.000Z" });
    }
  });

  it("never show a link made suspect before it was made", async () => {
    const { alice, bob } = await skewedWriters();
    await bob.recordArtifacts([
      { id: "REQ-1", kind: "requirement", title: "Login", fields: { body: "a" } },
      { id: "DES-1", kind: "design", title: "Tokens" },
    ]);
    await alice.refresh();
    const link = await alice.link({ from: "DES-1", to: "REQ-1", type: "derivesFrom" });
    await bob.refresh();
    await bob.recordArtifact({ id: "REQ-1", kind: "requirement", title: "Login", fields: { body: "b" } });
    await alice.refresh();
    // Alice made the link at 03-02 09:00; Bob's change, stamped 03-01, is what made it suspect after.
    expect(alice.traceLink(link.id)).toMatchObject({
      createdAt: "2026-03-02T09:00:00.000Z",
      suspect: true,
      causes: [{ artifact: "REQ-1", version: 2, at: "2026-03-02T09:00:00.000Z" }],
    });
  });
});
