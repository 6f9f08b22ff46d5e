import { describe, expect, it } from "vitest";
import { changeSet, testRun } from "./fixtures/factory.js";
import { useSkewedWriters } from "./fixtures/skewedWriters.js";

const skewedWriters = useSkewedWriters();

describe("measures over writers whose clocks disagree", () => {
  it("count a step stamped before the one it follows as no time, never as negative hours", async () => {
    // Alice's process is right; Bob's clock runs a day behind. Both write to one SQLite file.
    const { alice, bob, bobClock } = await skewedWriters();

    const signal = await alice.captureSignal({ text: "Cards get declined", source: "support" });
    const item = await alice.createWorkItem({
      line: "checkout",
      title: "Pay",
      flow: "tiny",
      signals: [signal.id],
    });
    await bob.refresh();
    await bob.routeSignal(signal.id, "checkout");
    await bob.advance(item.id);
    await bob.recordArtifact({ kind: "changeSet", title: "endpoint", workItem: item.id, fields: changeSet });
    bobClock.advance(2 * 3_600_000);
    await bob.advance(item.id);
    await bob.recordArtifact({ kind: "testEvidence", title: "CI", workItem: item.id, fields: testRun() });
    await bob.advance(item.id);
    await bob.complete(item.id);

    const { throughput, signals } = await alice.measures({ from: "2026-02-01", to: "2026-04-01" });
    expect(throughput.delivered).toBe(1);
    // Created at 03-02 09:00 by Alice, delivered at 03-01 11:00 by Bob: no time, not -22 hours.
    expect(throughput.leadTimeHours).toEqual({ p50: 0, p85: 0, count: 1 });
    expect(throughput.cycleTimeHours.intake).toEqual({ p50: 0, p85: 0, count: 1 });
    // Bob's own steps keep their real length.
    expect(throughput.cycleTimeHours.implementation).toEqual({ p50: 2, p85: 2, count: 1 });
    expect(signals).toMatchObject({ routed: 1, resolved: 1, medianHoursToRoute: 0, medianHoursToResolve: 0 });
  });
});
