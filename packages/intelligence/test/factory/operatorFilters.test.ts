/**
 * A mistyped operator given to work.list's owner or work.measures' operator
 * is refused (NotFoundError naming the field, "did you mean"), as the inbox
 * refuses one, rather than answered with nothing that a CI check would pass
 * on. An operator retired from the floor plan who still has work answers.
 */
import { NotFoundError } from "@software-factory/core";
import { estimateTokenCounter, type Factory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

const window = { from: "2026-01-01", to: "2099-01-01" };

/** A factory where ana owns a work item on checkout and bo owns nothing. */
async function factoryWithWork(): Promise<Factory> {
  const factory = await open({
    dir: folder("factory-operator-filters-"),
    tokenCounter: estimateTokenCounter,
  });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [{ id: "checkout", owner: "ana" }],
  });
  await factory.work.createWorkItem({ line: "checkout", title: "Pay by link" });
  return factory;
}

const unknownAnna = (field: string) =>
  expect.objectContaining({
    code: "E_NOT_FOUND",
    entity: "operator",
    id: "anna",
    field,
    message: expect.stringMatching(new RegExp(`^${field}: no operator "anna".*did you mean "ana"\\?`)),
  });

describe("a work filter on an operator there is not", () => {
  it("is refused by work.list's owner and work.measures' operator, where a known operator answers", async () => {
    const factory = await factoryWithWork();
    expect(factory.work.list({ owner: "ana" })).toHaveLength(1);
    // An operator of the floor plan with no work answers nothing, without an error.
    expect(factory.work.list({ owner: "bo" })).toEqual([]);
    expect((await factory.work.measures({ ...window, operator: "bo" })).scope).toEqual({ operator: "bo" });

    expect(() => factory.work.list({ owner: "anna" })).toThrow(NotFoundError);
    let refused: unknown;
    try {
      factory.work.list({ owner: "anna" });
    } catch (error) {
      refused = error;
    }
    expect(refused).toEqual(unknownAnna("owner"));
    await expect(factory.work.measures({ ...window, operator: "anna" })).rejects.toEqual(
      unknownAnna("operator"),
    );
  });

  it("answers an operator retired from the floor plan who still owns work, and refuses one never known", async () => {
    const factory = await factoryWithWork();
    await factory.floorplan.applyPlan({
      operators: [{ id: "bo" }],
      lines: [{ id: "checkout", owner: "bo" }],
    });
    expect(factory.floorplan.hasOperator("ana")).toBe(false);

    expect(factory.work.list({ owner: "ana" })).toHaveLength(1);
    expect((await factory.work.measures({ ...window, operator: "ana" })).scope).toEqual({ operator: "ana" });
    expect(() => factory.work.list({ owner: "cy" })).toThrow(NotFoundError);
    await expect(factory.work.measures({ ...window, operator: "cy" })).rejects.toBeInstanceOf(NotFoundError);
  });
});
