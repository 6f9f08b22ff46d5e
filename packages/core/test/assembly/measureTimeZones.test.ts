import { ValidationError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { changeSet, openTestFactory, type TestFactory, testRun } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("a measure window's time zone", () => {
  it("refuses an end that names no time zone, which each machine would read in its own", async () => {
    factory = await openTestFactory();
    const { line, clock } = factory;
    clock.set("2026-03-01T00:30:00Z");
    const item = await line.createWorkItem({ line: "checkout", title: "Pay by link", flow: "tiny" });
    await line.advance(item.id);
    await line.recordArtifact({ kind: "changeSet", title: "c", fields: changeSet, workItem: item.id });
    await line.advance(item.id);
    await line.recordArtifact({ kind: "testEvidence", title: "t", fields: testRun(), workItem: item.id });
    clock.set("2026-03-01T02:00:00Z");
    await line.advance(item.id);

    const zoneless = line.measures({ from: "2026-03-01T00:00:00", to: "2026-03-01T03:00:00Z" });
    await expect(zoneless).rejects.toBeInstanceOf(ValidationError);
    await expect(zoneless).rejects.toThrow(
      'from: must be a date (2026-03-01, midnight UTC), an instant with its offset (2026-03-01T09:00:00+02:00), a Date or epoch milliseconds, not "2026-03-01T00:00:00", which names no time zone: add Z or an offset',
    );
    await expect(line.measures({ from: "2026-03-01", to: "March 2, 2026" })).rejects.toThrow(
      'to: must be a date (2026-03-01, midnight UTC), an instant with its offset (2026-03-01T09:00:00+02:00), a Date or epoch milliseconds, not "March 2, 2026"',
    );
    // The same window in three spellings: an offset, UTC and a bare date (midnight UTC).
    const withOffset = await line.measures({ from: "2026-03-01T02:00:00+02:00", to: "2026-03-01T03:00Z" });
    expect(withOffset.window).toEqual({
      from: "2026-03-01T00:00:00.000Z",
      to: "2026-03-01T03:00:00.000Z",
      days: 0.125,
    });
    expect(withOffset.yield.delivered).toBe(1);
    expect((await line.measures({ from: "2026-03-01", to: " 2026-03-02 " })).yield.delivered).toBe(1);
  });
});
