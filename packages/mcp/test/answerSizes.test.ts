import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

/** Lines that depend on checkout, beyond the seeded search. */
const SPOKES = 120;

const { call } = useSeededServer("answer-sizes-test", async ({ factory }) => {
  const plan = factory.floorplan.toPlan();
  await factory.floorplan.applyPlan({
    ...plan,
    lines: [
      ...(plan.lines ?? []),
      ...Array.from({ length: SPOKES }, (_, index) => ({
        id: `spoke-${String(index).padStart(3, "0")}`,
        owner: index % 2 === 0 ? "ana" : "bo",
        paths: [`/src/spoke-${index}/`],
        dependsOn: ["checkout"],
      })),
    ],
  });
  for (let index = 0; index < 60; index += 1)
    await factory.work.createWorkItem({ line: "checkout", title: `Checkout task ${index}` });
});

describe("impact_of_change on a line many lines depend on", () => {
  it("reports the nearest limit lines (default 50) and says how many it left out", async () => {
    const impact = await call("impact_of_change", { lines: ["checkout"] });
    expect(impact.isError).toBeUndefined();
    expect(impact.structuredContent?.affected).toHaveLength(50);
    expect(impact.structuredContent?.cutoff).toMatchObject({ by: "limit", omitted: SPOKES + 1 - 50 });
    expect(impact.content[0]?.text.length).toBeLessThan(20_000);

    const all = await call("impact_of_change", { lines: ["checkout"], limit: 1000 });
    expect(all.structuredContent?.affected).toHaveLength(SPOKES + 1);
    expect(all.structuredContent?.cutoff).toBeUndefined();
  });
});

describe("get_line of a line with many dependents and much work", () => {
  it("lists the first limit of each (default 50) and counts the rest under omitted", async () => {
    const line = await call("get_line", { id: "checkout" });
    expect(line.isError).toBeUndefined();
    expect(line.structuredContent?.dependents).toHaveLength(50);
    expect(line.structuredContent?.activeWork).toHaveLength(50);
    expect(line.structuredContent?.omitted).toEqual({
      dependsOn: 0,
      dependents: SPOKES + 1 - 50,
      activeWork: 10,
    });
    expect(line.content[0]?.text.length).toBeLessThan(20_000);

    const whole = await call("get_line", { id: "checkout", limit: 1000 });
    expect(whole.structuredContent?.dependents).toHaveLength(SPOKES + 1);
    expect(whole.structuredContent?.activeWork).toHaveLength(60);
    expect(whole.structuredContent?.omitted).toEqual({ dependsOn: 0, dependents: 0, activeWork: 0 });
  });
});
