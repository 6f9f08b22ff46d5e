import { contextPackMarkdown } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

const DESCRIPTION =
  "MCP server of the Software Factory: the factory's tools, resources and prompts for coding agents, over stdio.";

/** A line `mcp` described as its README opens, the README filed on it, and a runbook on no line that names the server. */
async function mcpFactory() {
  const factory = await open({ dir: folder("factory-pack-plain-") });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "mcp", owner: "ana", paths: ["/packages/mcp/"], description: DESCRIPTION }],
  });
  await factory.knowledge.capture({
    kind: "note",
    title: "MCP README",
    body: `# @software-factory/mcp\n\nThe ${DESCRIPTION.replace("MCP server", "MCP **server**")}`,
    source: { system: "codebase", uri: "packages/mcp/README.md" },
    lines: ["mcp"],
  });
  await factory.knowledge.capture({
    kind: "runbook",
    title: "Restart the MCP server",
    body: "When the MCP server over stdio hangs, the coding agent restarts it.",
    source: { system: "wiki" },
  });
  return factory;
}

describe("the knowledge of a context pack", () => {
  it("quotes its documents as plain text, without the search's marks around the words that matched", async () => {
    const factory = await mcpFactory();

    for (const request of [
      { paths: ["packages/mcp/src/server.ts"] },
      { line: "mcp" },
      { question: "how do coding agents restart the MCP server?" },
    ]) {
      const pack = await factory.context(request);
      const label = JSON.stringify(request);

      expect(pack.knowledge.length, label).toBeGreaterThan(0);
      for (const hit of pack.knowledge) expect(hit.snippet, label).not.toContain("**");
      expect(contextPackMarkdown(pack), label).not.toContain("**");
    }
    const [readme] = (await factory.context({ paths: ["packages/mcp/src/server.ts"] })).knowledge;
    expect(readme?.snippet).toBe(
      "@software-factory/mcp The MCP server of the Software Factory: the factory's tools, resources and prompts for coding agents, over stdio.",
    );
    // Search itself still marks what matched.
    const { hits } = await factory.knowledge.search("coding agents");
    expect(hits[0]?.snippet).toContain("the **coding** **agent** restarts");
  });

  it("keeps the ** a document's own text holds", async () => {
    const factory = await mcpFactory();
    await factory.knowledge.capture({
      kind: "note",
      title: "Glob syntax",
      body: "The pattern \\*\\*docs\\*\\* matches a docs folder at any depth.",
      source: { system: "wiki" },
    });

    const pack = await factory.context({ question: "which pattern matches a folder at any depth?" });

    expect(pack.knowledge[0]?.snippet).toBe("The pattern **docs** matches a docs folder at any depth.");
  });
});
