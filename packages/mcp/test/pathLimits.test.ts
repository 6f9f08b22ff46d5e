/**
 * who_owns, impact_of_change and get_context took at most 500, 5,000 and 200
 * paths, and who_owns answered each unclaimed path as an entry of its own
 * ("note":"no line claims this path"): 500 of them made 42,901 characters.
 * The three now take at most 500 paths and say so in their schemas; who_owns
 * lists the paths no line claims once, under unclaimedPaths, and echoes the
 * first 100 of each kind, as impact_of_change does, `omitted` counting the rest.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("path-limits-test");

const many = (count: number, folder: string) =>
  Array.from({ length: count }, (_, index) => `${folder}/module-${index}/a-rather-long-file-name.ts`);

describe("who_owns given many paths", () => {
  it("lists 500 unclaimed paths once, the first 100, and counts the rest", async () => {
    const paths = many(500, "docs/unowned");
    const owners = await server.call("who_owns", { paths });
    expect(owners.structuredContent).toEqual({
      paths: [],
      unclaimedPaths: paths.slice(0, 100),
      omitted: { paths: 0, unclaimedPaths: 400 },
    });
    expect(owners.content[0]?.text.length).toBeLessThan(10_000);
  });

  it("answers claimed paths with their line and unclaimed ones apart, in the order given", async () => {
    const owners = await server.call("who_owns", {
      paths: ["README.md", "src/checkout/cart.ts", "docs/a.md", "src/payments/refund.ts"],
    });
    expect(owners.structuredContent).toEqual({
      paths: [
        { path: "src/checkout/cart.ts", line: "checkout", pattern: "/src/checkout/", owner: "ana" },
        { path: "src/payments/refund.ts", line: "payments", pattern: "/src/payments/", owner: "bo" },
      ],
      unclaimedPaths: ["README.md", "docs/a.md"],
    });
  });

  it("echoes the first 100 claimed paths and counts the rest", async () => {
    const owners = await server.call("who_owns", { paths: many(300, "src/checkout") });
    expect(owners.structuredContent?.paths).toHaveLength(100);
    expect(owners.structuredContent?.omitted).toEqual({ paths: 200, unclaimedPaths: 0 });
  });
});

describe("the paths of who_owns, impact_of_change and get_context", () => {
  it.each(["who_owns", "impact_of_change", "get_context"])("are at most 500 in %s", async (tool) => {
    expect(await server.refused(tool, { paths: many(501, "src/checkout") })).toMatch(
      new RegExp(`^E_VALIDATION: ${tool} input is invalid: paths: .*500`),
    );
    expect((await server.call(tool, { paths: many(500, "src/checkout") })).isError).toBeUndefined();
  });

  it("say their limit in the schemas clients see", async () => {
    const { tools } = await server.client.listTools();
    const described = ["who_owns", "impact_of_change", "get_context"].map((name) => {
      const schema = tools.find((tool) => tool.name === name)?.inputSchema as unknown as {
        properties: { paths: { description: string; maxItems: number } };
      };
      return [name, schema.properties.paths.maxItems, schema.properties.paths.description.slice(0, 32)];
    });
    expect(described).toEqual([
      ["who_owns", 500, "Repository paths, at most 500 (s"],
      ["impact_of_change", 500, "Repository paths, at most 500 (s"],
      ["get_context", 500, "Repository paths, at most 500 (s"],
    ]);
  });
});
