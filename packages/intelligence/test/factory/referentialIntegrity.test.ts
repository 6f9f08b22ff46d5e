import { NotFoundError } from "@software-factory/core";
import { beforeEach, describe, expect, it } from "vitest";
import { type Factory, openFactory } from "../../src/index.js";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();
let factory: Factory;

beforeEach(async () => {
  factory = await open({ dir: folder("factory-integrity-"), actor: "ana" });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana" }],
  });
});

describe("a factory refuses ids its floor plan lacks", () => {
  it("refuses work, signals and routings on unknown lines and operators before writing", async () => {
    const head = await factory.log.head();
    await expect(factory.work.createWorkItem({ line: "nope", title: "x" })).rejects.toMatchObject({
      code: "E_NOT_FOUND",
      entity: "line",
      id: "nope",
      field: "line",
    });
    await expect(
      factory.work.createWorkItem({ line: "checkout", title: "x", owner: "ghost" }),
    ).rejects.toMatchObject({ entity: "operator", id: "ghost", field: "owner" });
    await expect(
      factory.work.captureSignal({ text: "hello", source: "s", line: "ghost7" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await factory.log.head()).toBe(head);
    const signal = await factory.work.captureSignal({ text: "hello", source: "s" });
    await expect(factory.work.routeSignal(signal.id, "ghost3")).rejects.toMatchObject({ id: "ghost3" });
    expect(factory.work.signal(signal.id)?.line).toBeUndefined();
  });

  it("refuses a knowledge document linked to an unknown line, and accepts a line declared by another process", async () => {
    const capture = factory.knowledge.capture({
      kind: "note",
      title: "Retries",
      body: "We retry twice.",
      source: { system: "test" },
      lines: ["checkout", "no-such-line"],
    });
    await expect(capture).rejects.toBeInstanceOf(NotFoundError);
    await expect(capture).rejects.toMatchObject({ entity: "line", id: "no-such-line", field: "lines[1]" });
    expect(await factory.knowledge.list()).toEqual([]);

    const other = await openFactory({ dir: factory.dir, actor: "bo" });
    try {
      await other.floorplan.declareLine({ id: "search", owner: "ana" });
    } finally {
      await other.close();
    }
    const document = await factory.knowledge.capture({
      kind: "note",
      title: "Facets",
      body: "Search shows facets.",
      source: { system: "test" },
      lines: ["search"],
    });
    expect(document.lines).toEqual(["search"]);
    const item = await factory.work.createWorkItem({ line: "search", title: "Facets" });
    expect(item.owner).toBe("ana");
  });
});
