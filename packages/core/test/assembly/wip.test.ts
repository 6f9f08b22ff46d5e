import { WipLimitError, WorkWipOverridden } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { openTestFactory, type TestFactory } from "./fixtures/factory.js";

let factory: TestFactory;
afterEach(async () => {
  await factory?.close();
});

describe("WIP limits", () => {
  it("refuses to take a line past its limit when an item enters the WIP stages", async () => {
    factory = await openTestFactory({
      lines: { ownerOf: () => "olivia", wipLimitOf: () => 2 },
    });
    const { line } = factory;
    const [a, b, c] = [
      await line.createWorkItem({ line: "checkout", title: "A" }),
      await line.createWorkItem({ line: "checkout", title: "B" }),
      await line.createWorkItem({ line: "checkout", title: "C" }),
    ];
    expect(line.wipOf("checkout")).toBe(0);
    await line.advance(a.id);
    await line.advance(b.id);
    expect(line.wipOf("checkout")).toBe(2);
    const error = await line.advance(c.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WipLimitError);
    expect(error).toMatchObject({
      code: "E_WIP_LIMIT",
      item: c.id,
      stage: "intake",
      target: "requirements",
      line: "checkout",
      limit: 2,
      inProgress: 2,
    });
    // Moving between WIP stages does not count again; another line is not affected.
    expect((await line.advance(a.id)).stage).toBe("implementation");
    const other = await line.createWorkItem({ line: "search", title: "D" });
    expect((await line.advance(other.id)).stage).toBe("requirements");
  });

  it("counts blocked items but frees the slot when an item is dropped or leaves for operate", async () => {
    factory = await openTestFactory({ pipeline: { ...defaultWithLimit(1) } });
    const { line } = factory;
    const a = await line.createWorkItem({ line: "checkout", title: "A" });
    const b = await line.createWorkItem({ line: "checkout", title: "B" });
    await line.advance(a.id);
    await line.block(a.id, { reason: "waiting" });
    await expect(line.advance(b.id)).rejects.toBeInstanceOf(WipLimitError);
    await line.drop(a.id, { reason: "no longer needed" });
    expect(line.wipOf("checkout")).toBe(0);
    expect((await line.advance(b.id)).stage).toBe("requirements");
  });

  it("lets an explicit override past the limit and records who and why", async () => {
    factory = await openTestFactory({ pipeline: defaultWithLimit(1) });
    const { line, log } = factory;
    const a = await line.createWorkItem({ line: "checkout", title: "A" });
    const b = await line.createWorkItem({ line: "checkout", title: "B" });
    await line.advance(a.id);
    await line.advance(b.id, { overrideWip: { reason: "production incident" }, actor: "olivia" });
    expect(line.wipOf("checkout")).toBe(2);
    const overrides = (await log.read({ types: [WorkWipOverridden.type] })).filter(WorkWipOverridden.is);
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({
      subject: b.id,
      actor: "olivia",
      data: { stage: "requirements", limit: 1, inProgress: 1, reason: "production incident" },
    });
  });

  it("takes the floor plan's limit before the configuration's", async () => {
    factory = await openTestFactory({
      pipeline: defaultWithLimit(5),
      lines: { ownerOf: () => undefined, wipLimitOf: (line) => (line === "checkout" ? 1 : undefined) },
    });
    expect(factory.line.wipLimitOf("checkout")).toBe(1);
    expect(factory.line.wipLimitOf("search")).toBe(5);
  });
});

function defaultWithLimit(limit: number) {
  return {
    stages: ["intake", "requirements", "implementation", "operate"].map((name) => ({
      name,
      wip: name !== "intake" && name !== "operate",
    })),
    flows: { standard: ["intake", "requirements", "implementation", "operate"] },
    defaultFlow: "standard",
    defaultWipLimit: limit,
  };
}
