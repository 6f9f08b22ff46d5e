/**
 * `factory://lines/{id}` names at most 100 of the lines a line depends on and
 * 100 of its dependents, with the count of each and where every one is
 * named: a line 999 lines of a floor plan depend on read as 248,778
 * characters. A real SDK client over stdio to the built `factory-mcp`.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const DEPENDENTS = 150;

const server = useSeededServer("line-resource-neighbours-test", async ({ factory }) => {
  await factory.floorplan.applyPlan({
    product: { id: "shop" },
    operators: [{ id: "ana" }, { id: "bo" }],
    lines: [
      { id: "checkout", description: "Cart, payment and order confirmation", owner: "ana" },
      { id: "payments", description: "Card payments and refunds", owner: "bo" },
      ...Array.from({ length: DEPENDENTS }, (_, index) => ({
        id: `shop-${String(index).padStart(3, "0")}`,
        owner: "bo",
        dependsOn: ["checkout"],
      })),
    ],
  });
});

/** The resource at `uri` as JSON. */
const read = async (uri: string) => {
  const [content] = (await server.client.readResource({ uri })).contents;
  return JSON.parse(content !== undefined && "text" in content ? content.text : "{}") as Record<
    string,
    unknown
  >;
};

describe("factory://lines/{id}", () => {
  it("names the first 100 dependents with the count of all and where the others are named", async () => {
    const line = await read("factory://lines/checkout");
    expect((line.dependents as { line: string }[]).map((reached) => reached.line)).toEqual(
      Array.from({ length: 100 }, (_, index) => `shop-${String(index).padStart(3, "0")}`),
    );
    expect(line).toMatchObject({
      id: "checkout",
      dependsOn: [],
      dependsOnCount: 0,
      dependentCount: DEPENDENTS,
      more: "100 of each shown: factory://floorplan and its pages name every line with the lines it depends on",
    });
  });

  it("names every neighbour of a line with few, and no note", async () => {
    const line = await read("factory://lines/shop-007");
    expect(line).toMatchObject({ dependsOnCount: 1, dependents: [], dependentCount: 0 });
    expect((line.dependsOn as { line: string }[]).map((reached) => reached.line)).toEqual(["checkout"]);
    expect(line).not.toHaveProperty("more");
  });
});
