import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

const source = { system: "repo", author: "ana" };

/**
 * The dogfood case: a line `mcp` ("The MCP server for coding agents") with a
 * note filed on it, the organisation's page on the MCP server filed on no
 * line (as `import codebase` files a repository's docs/ pages), and a page on
 * the same subject filed on another line.
 */
async function mcpFactory() {
  const factory = await open({ dir: folder("factory-pack-unfiled-") });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [
      { id: "mcp", owner: "ana", paths: ["/packages/mcp/"], description: "The MCP server for coding agents" },
      { id: "cli", owner: "ana", paths: ["/packages/cli/"], description: "The factory CLI" },
    ],
  });
  const own = await factory.knowledge.capture({
    kind: "note",
    title: "MCP package",
    body: "The package serves the factory over stdio.",
    source,
    lines: ["mcp"],
  });
  const page = await factory.knowledge.capture({
    kind: "note",
    title: "The MCP server: connecting coding agents",
    body: "Run the MCP server and point your coding agents at it: they read context packs and search knowledge.",
    source,
  });
  const neighbour = await factory.knowledge.capture({
    kind: "note",
    title: "Serving the MCP server from the CLI",
    body: "The CLI starts the MCP server for coding agents with factory mcp.",
    source,
    lines: ["cli"],
  });
  return { factory, own: own.id, page: page.id, neighbour: neighbour.id };
}

describe("the documents filed on no line", () => {
  it("are in a line's and a path's pack when they match the line, after the line's own, never another line's", async () => {
    const { factory, own, page, neighbour } = await mcpFactory();

    for (const request of [{ line: "mcp" }, { paths: ["packages/mcp/src/server.ts"] }]) {
      const pack = await factory.context(request);
      const held = [
        ...pack.knowledge.map((hit) => hit.document.id),
        ...pack.relatedKnowledge.map((ref) => ref.id),
      ];
      expect(held, JSON.stringify(request)).toEqual([own, page]);
      expect(held, JSON.stringify(request)).not.toContain(neighbour);
    }
  });
});
