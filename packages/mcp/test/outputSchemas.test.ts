import { rmSync } from "node:fs";
import {
  Client,
  type JsonSchemaType,
  StreamableHTTPClientTransport,
  type Tool,
} from "@modelcontextprotocol/client";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/client/validators/ajv";
import type { Factory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpServer, serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";

const token = "output-schemas-token-0123456789";
let dir: string;
let factory: Factory;
let server: HttpServer;
let client: Client;
let tools: Tool[];

type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { text?: string }[];
};

/** Calls a tool and returns its structured answer, failing with the error text when it refused. */
async function answer(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  expect(result.isError, `${name}: ${result.content[0]?.text}`).toBeUndefined();
  return result.structuredContent ?? {};
}

/** The tool of that name, as tools/list describes it. */
function listed(name: string): Tool {
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) throw new Error(`tools/list has no ${name}`);
  return tool;
}

/** What the declared JSON Schema of the tool's output says about `value`: undefined when it validates. */
function outputProblem(name: string, value: unknown): string | undefined {
  const schema = listed(name).outputSchema;
  if (schema === undefined) return `${name} declares no output schema`;
  const result = new AjvJsonSchemaValidator().getValidator(schema as JsonSchemaType)(value);
  return result.valid ? undefined : result.errorMessage;
}

beforeAll(async () => {
  ({ dir, factory } = await seededFactory());
  server = await serveHttp(
    factory,
    { port: 0, token },
    { groups: ["knowledge", "floorplan", "work", "standards", "skills", "import"], importRoot: dir },
  );
  client = new Client({ name: "output-schemas-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  tools = (await client.listTools()).tools;
}, 60_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
  await factory?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tool schemas in tools/list", () => {
  it("lists every group's tools, import included", () => {
    expect(tools.map((tool) => tool.name)).toContain("import_codebase");
    expect(tools.length).toBeGreaterThanOrEqual(25);
  });

  it("gives every tool an output schema that names the properties of its answer", () => {
    const empty = tools
      .filter((tool) => Object.keys(tool.outputSchema?.properties ?? {}).length === 0)
      .map((tool) => tool.name);
    expect(empty).toEqual([]);
  });

  it("describes every input property of every tool", () => {
    const undescribed = tools.flatMap((tool) =>
      Object.entries(tool.inputSchema.properties ?? {}).flatMap(([property, schema]) => {
        const description = (schema as { description?: unknown }).description;
        return typeof description === "string" && description.length > 0 ? [] : [`${tool.name}.${property}`];
      }),
    );
    expect(undescribed).toEqual([]);
  });
});

describe("answers on the seeded factory validate against the declared output schemas", () => {
  it("answers of the work tools: capture_signal, create_work_item, advance_work_item, link_artifacts, get_metrics", async () => {
    const signal = await answer("capture_signal", {
      text: "Card payment fails on retry",
      source: "support",
      customer: "acme",
      line: "checkout",
    });
    const item = await answer("create_work_item", {
      line: "checkout",
      title: "Retry card payments",
      signals: [signal.id],
    });
    const other = await answer("create_work_item", { line: "payments", title: "Refund API", flow: "tiny" });
    const moved = await answer("advance_work_item", { id: item.id });
    const link = await answer("link_artifacts", { from: item.id, to: other.id, type: "derivesFrom" });
    const metrics = await answer("get_metrics", { line: "checkout" });

    expect(moved.stage).not.toBe(item.stage);
    expect(metrics.window).toBeDefined();
    for (const [name, value] of [
      ["capture_signal", signal],
      ["create_work_item", item],
      ["create_work_item", other],
      ["advance_work_item", moved],
      ["link_artifacts", link],
      ["get_metrics", metrics],
    ] as const) {
      expect(outputProblem(name, value), name).toBeUndefined();
    }
  });

  it("answers of get_line, impact_of_change and get_context", async () => {
    const item = await answer("create_work_item", { line: "checkout", title: "Pay by link" });
    const line = await answer("get_line", { id: "checkout" });
    const impact = await answer("impact_of_change", { paths: ["src/checkout/cart.ts", "README.md"] });
    const byItem = await answer("get_context", { workItem: item.id, budgetTokens: 4000 });
    const byQuestion = await answer("get_context", { question: "How often are failed payments retried?" });
    const byPaths = await answer("get_context", { paths: ["src/checkout/cart.ts", "README.md"] });

    expect((line.dependents as unknown[]).length).toBe(1);
    expect((impact.affected as unknown[]).length).toBe(1);
    expect(byItem.workItem).toBeDefined();
    expect(byPaths.unclaimedPaths).toEqual(["README.md"]);
    for (const [name, value] of [
      ["get_line", line],
      ["impact_of_change", impact],
      ["get_context", byItem],
      ["get_context", byQuestion],
      ["get_context", byPaths],
    ] as const) {
      expect(outputProblem(name, value), name).toBeUndefined();
    }
  });

  it("refuses an answer that lacks what the schema requires (the schemas are not empty in disguise)", async () => {
    const line = await answer("get_line", { id: "checkout" });
    const { paths: _paths, ...withoutPaths } = line;
    expect(outputProblem("get_line", withoutPaths)).toMatch(/paths/);
    expect(outputProblem("get_metrics", {})).toMatch(/window/);
  });
});
