import { describe, expect, it } from "vitest";
import { changeSet, testRun } from "./fixtures/factory.js";
import { useSkewedWriters } from "./fixtures/skewedWriters.js";

const skewedWriters = useSkewedWriters();

describe("a delivery stamped before its item's creation, by a writer whose clock runs behind", () => {
  it("counts in the window of the creation, as at once, not in no window at all", async () => {
    // Alice creates at 03-02 09:00; Bob's clock runs a day behind, so his delivery is stamped 03-01.
    const { alice, bob } = await skewedWriters();
    const item = await alice.createWorkItem({ line: "checkout", title: "Pay", flow: "tiny" });
    await bob.refresh();
    await bob.advance(item.id);
    await bob.recordArtifact({ kind: "changeSet", title: "endpoint", workItem: item.id, fields: changeSet });
    await bob.advance(item.id);
    await bob.recordArtifact({ kind: "testEvidence", title: "CI", workItem: item.id, fields: testRun() });
    await bob.advance(item.id);
    await alice.refresh();

    const creationDay = await alice.measures({ from: "2026-03-02", to: "2026-03-03" });
    expect(creationDay.yield).toMatchObject({ delivered: 1, firstPass: 1 });
    expect(creationDay.throughput.leadTimeHours).toEqual({ p50: 0, p85: 0, count: 1 });
    // The day of Bob's stamp holds no item yet: it was created the day after.
    expect((await alice.measures({ from: "2026-03-01", to: "2026-03-02" })).yield.delivered).toBe(0);
  });
});
