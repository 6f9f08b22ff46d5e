/**
 * `completion/complete` of the factory's ids counts every match: `values`
 * holds at most 100, `total` how many ids start with the value and `hasMore`
 * whether some were left out (it answered at most 50 and counted those).
 * Over stdio to the built factory-mcp, on a factory of more than 100 of each
 * kind of id.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

/** How many of each kind the factory holds besides the seeded ones. */
const MANY = 130;

const server = useSeededServer("completion-counts-test", async ({ factory }) => {
  const plan = factory.floorplan.toPlan();
  await factory.floorplan.applyPlan({
    ...plan,
    lines: [
      ...plan.lines,
      ...Array.from({ length: MANY }, (_, index) => ({ id: `line-${index}`, owner: "ana" })),
    ],
  });
  await factory.work.recordArtifacts(
    Array.from({ length: MANY }, (_, index) => ({
      id: `REQ-${index}`,
      kind: "requirement",
      title: `Requirement ${index}`,
      fields: { body: "The checkout shall retry a failed payment." },
      line: "checkout",
    })),
  );
  for (let index = 0; index < MANY; index += 1) {
    await factory.work.createWorkItem({ line: "checkout", title: `Task ${index}` });
    await factory.work.captureSignal({ text: `Checkout is slow (${index})`, source: "support" });
    await factory.knowledge.capture({
      kind: "note",
      title: `Note ${index}`,
      body: `Note number ${index}.`,
      source: { system: "seed" },
    });
  }
});

/** What completing the `id` of `template` with `value` answers. */
async function complete(template: string, value: string) {
  const { completion } = await server.client.complete({
    ref: { type: "ref/resource", uri: template },
    argument: { name: "id", value },
  });
  return completion;
}

describe("completion of ids", () => {
  it.each([
    ["factory://lines/{id}", 3],
    ["factory://artifacts/{id}", 0],
    ["factory://work/{id}", 0],
    ["factory://signals/{id}", 0],
    ["factory://documents/{id}", 1],
  ])("%s counts all the ids, shows 100 and says more match", async (template, seeded) => {
    const completion = await complete(template, "");
    expect(completion.values).toHaveLength(100);
    expect(completion.total).toBe(MANY + seeded);
    expect(completion.hasMore).toBe(true);
  });

  it("counts the ids that start with the value, and says when all are shown", async () => {
    const requirements = await complete("factory://artifacts/{id}", "REQ-");
    expect(requirements).toMatchObject({ total: MANY, hasMore: true });
    const tens = await complete("factory://artifacts/{id}", "REQ-1");
    // REQ-1, REQ-10..REQ-19, REQ-100..REQ-129
    expect(tens.values).toHaveLength(41);
    expect(tens).toMatchObject({ total: 41, hasMore: false });
    expect(await complete("factory://lines/{id}", "line-12")).toMatchObject({ total: 11, hasMore: false });
  });
});
