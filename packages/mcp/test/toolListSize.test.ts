import { tmpdir } from "node:os";
import type { Client, Tool } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectToServer, useSeededFolder } from "./fixtures.js";

/**
 * Characters of `tools/list` with every group served, at most. Coding agents
 * put the tool definitions in the model's context on every request, so a
 * change that regrows them must raise these bounds on purpose (docs/mcp.md
 * gives the measured sizes).
 */
const MAX_TOOL_LIST = 96_000;
/** Of those, the part Claude Code shows the model: each tool without its output schema. */
const MAX_WITHOUT_OUTPUT_SCHEMAS = 48_000;

const folder = useSeededFolder();
let client: Client;
let tools: Tool[];

beforeAll(async () => {
  client = await connectToServer("tool-list-size-test", [
    "--dir",
    folder.dir,
    "--tools",
    "knowledge,floorplan,work,standards,skills,import",
    "--import-root",
    tmpdir(),
  ]);
  tools = (await client.listTools()).tools;
});

afterAll(async () => {
  await client?.close();
});

/** Characters of `value` as JSON. */
const size = (value: unknown) => JSON.stringify(value).length;

/** The largest tools by `measure`, named with their sizes, for a failure message. */
function largest(measure: (tool: Tool) => number): string {
  return [...tools]
    .sort((a, b) => measure(b) - measure(a))
    .slice(0, 5)
    .map((tool) => `${tool.name} ${measure(tool)}`)
    .join(", ");
}

describe("tools/list", () => {
  it("lists every tool of every group within the character bounds", () => {
    expect(tools.length).toBeGreaterThanOrEqual(35);
    const whole = size({ tools });
    expect(whole, `tools/list is ${whole} characters; largest: ${largest(size)}`).toBeLessThanOrEqual(
      MAX_TOOL_LIST,
    );
    const withoutOutput = (tool: Tool) => size({ ...tool, outputSchema: undefined });
    const shown = tools.reduce((total, tool) => total + withoutOutput(tool), 0);
    expect(
      shown,
      `tools without output schemas are ${shown} characters; largest: ${largest(withoutOutput)}`,
    ).toBeLessThanOrEqual(MAX_WITHOUT_OUTPUT_SCHEMAS);
  });

  it("advertises no $schema and no any-value additionalProperties, which say nothing to a client", () => {
    const text = JSON.stringify(tools);
    expect(text).not.toContain('"$schema"');
    expect(text).not.toContain('"additionalProperties":{}');
  });
});
