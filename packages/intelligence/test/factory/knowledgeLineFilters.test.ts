/**
 * A mistyped line given to a knowledge search or listing is refused
 * (NotFoundError on `lines[i]`, "did you mean"), as the work's reads refuse
 * it, rather than answered with nothing that a CI check would pass on. A line
 * retired from the floor plan still finds the documents filed on it, and a
 * knowledge base opened without a line directory accepts every line.
 */
import { join } from "node:path";
import { NotFoundError, openEventLog } from "@software-factory/core";
import { estimateTokenCounter, type Factory } from "@software-factory/intelligence";
import { openKnowledgeBase } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

const plan = {
  operators: [{ id: "ana" }],
  lines: [
    { id: "checkout", owner: "ana" },
    { id: "payments", owner: "ana" },
  ],
};

/** A factory with one note filed on checkout. */
async function factoryWithNote(): Promise<Factory> {
  const factory = await open({ dir: folder("factory-kb-line-filters-"), tokenCounter: estimateTokenCounter });
  await factory.floorplan.applyPlan(plan);
  await factory.knowledge.capture({
    kind: "note",
    title: "Retries",
    body: "Checkout retries a payment twice.",
    source: { system: "test" },
    lines: ["checkout"],
  });
  return factory;
}

const unknownCheckot = (field: string) =>
  expect.objectContaining({
    code: "E_NOT_FOUND",
    entity: "line",
    id: "checkot",
    field,
    message: expect.stringMatching(/^lines\[\d\]: no line "checkot".*did you mean "checkout"\?/),
  });

describe("a knowledge search or listing given a line there is not", () => {
  it("is refused naming the line and its place, where the real line answers", async () => {
    const factory = await factoryWithNote();
    expect((await factory.knowledge.search("retries", { lines: ["checkout"] })).hits).toHaveLength(1);
    expect(await factory.knowledge.list({ lines: ["checkout"] })).toHaveLength(1);
    // A line of the floor plan no document is filed on answers nothing, without an error.
    expect(await factory.knowledge.list({ lines: ["payments"] })).toEqual([]);

    const search = factory.knowledge.search("retries", { lines: ["payments", "checkot"] });
    await expect(search).rejects.toBeInstanceOf(NotFoundError);
    await expect(search).rejects.toEqual(unknownCheckot("lines[1]"));
    await expect(factory.knowledge.list({ lines: ["checkot"] })).rejects.toEqual(unknownCheckot("lines[0]"));
  });

  it("finds the documents of a line retired from the floor plan, and still refuses one never named", async () => {
    const factory = await factoryWithNote();
    await factory.floorplan.applyPlan({
      operators: plan.operators,
      lines: [{ id: "payments", owner: "ana" }],
    });
    expect(factory.floorplan.hasLine("checkout")).toBe(false);

    expect((await factory.knowledge.search("retries", { lines: ["checkout"] })).hits).toHaveLength(1);
    expect(await factory.knowledge.list({ lines: ["checkout"] })).toHaveLength(1);
    await expect(factory.knowledge.list({ lines: ["search"] })).rejects.toMatchObject({
      entity: "line",
      id: "search",
      field: "lines[0]",
    });
  });

  it("is accepted by a knowledge base opened without a line directory", async () => {
    const log = await openEventLog({ path: join(folder("factory-kb-no-lines-"), "factory.db") });
    const kb = await openKnowledgeBase({ log });
    try {
      expect(await kb.list({ lines: ["checkot"] })).toEqual([]);
      expect((await kb.search("retries", { lines: ["checkot"] })).hits).toEqual([]);
    } finally {
      await kb.close();
      await log.close();
    }
  });
});
