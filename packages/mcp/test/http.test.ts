import { rmSync } from "node:fs";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { Factory } from "@software-factory/intelligence";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { factoryTools, type HttpServer, serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";

const token = "test-token-0123456789";
let dir: string;
let factory: Factory;
let server: HttpServer;

beforeAll(async () => {
  ({ dir, factory } = await seededFactory());
  server = await serveHttp(factory, { port: 0, token });
});

afterAll(async () => {
  await server.close();
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(url: string, mode: "legacy" | { pin: string } = "legacy"): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" }, { versionNegotiation: { mode } });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** The text of the first content of a resource read. */
const textOf = (result: { contents: unknown[] }) =>
  (result.contents[0] as { text?: string } | undefined)?.text;

type ToolResult = {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content: { type: string; text?: string }[];
};

describe.each([
  ["2025-11-25 (initialize handshake)", "legacy" as const],
  ["2026-07-28", { pin: "2026-07-28" }],
])("MCP over Streamable HTTP, protocol %s", (_name, mode) => {
  let client: Client;
  beforeAll(async () => {
    client = await connect(server.url, mode);
  });
  afterAll(async () => {
    await client.close();
  });

  it("lists every tool with a title, schemas and annotations", async () => {
    const { tools } = await client.listTools();
    const offered = factoryTools.filter((tool) => tool.group !== "import");
    expect(tools.map((tool) => tool.name).sort()).toEqual(offered.map((tool) => tool.name).sort());
    for (const tool of tools) {
      expect(tool.title ?? tool.annotations?.title).toBeTruthy();
      expect(tool.outputSchema).toBeDefined();
      expect(typeof tool.annotations?.readOnlyHint).toBe("boolean");
    }
  });

  it("answers a search with provenance, and a context pack", async () => {
    const search = (await client.callTool({
      name: "search_knowledge",
      arguments: { query: "how often are payments retried" },
    })) as ToolResult;
    expect(search.isError).toBeFalsy();
    const hits = search.structuredContent?.hits as { title: string; source: { author: string } }[];
    expect(hits[0]).toMatchObject({ title: "Retry failed payments three times", source: { author: "ana" } });
    const context = (await client.callTool({
      name: "get_context",
      arguments: { line: "checkout" },
    })) as ToolResult;
    expect(context.structuredContent?.lines).toHaveLength(1);
    expect(context.structuredContent?.markdown).toContain("- Owner: ana");
    expect(context.structuredContent?.markdown).toContain("Retry failed payments three times");
  });

  it("says who owns a path and what a change impacts", async () => {
    const owners = (await client.callTool({
      name: "who_owns",
      arguments: { paths: ["src/payments/refund.ts"] },
    })) as ToolResult;
    expect(owners.structuredContent?.paths).toEqual([
      expect.objectContaining({ line: "payments", owner: "bo" }),
    ]);
    const impact = (await client.callTool({
      name: "impact_of_change",
      arguments: { paths: ["src/checkout/cart.ts"] },
    })) as ToolResult;
    expect(JSON.stringify(impact.structuredContent?.affected)).toContain("search");
  });

  it("returns isError with a message naming the bad argument, and keeps serving", async () => {
    const bad = (await client.callTool({
      name: "search_knowledge",
      arguments: { query: "", limit: 500 },
    })) as ToolResult;
    expect(bad.isError).toBe(true);
    expect(bad.content[0]?.text).toMatch(/query|limit/);
    const unknown = (await client.callTool({ name: "get_line", arguments: { id: "nope" } })) as ToolResult;
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]?.text).toContain('no line "nope"');
    const after = (await client.callTool({ name: "get_line", arguments: { id: "checkout" } })) as ToolResult;
    expect(after.structuredContent?.owner).toBe("ana");
  });

  it("lists and runs skills, reads a skill resource and gets its prompt", async () => {
    const listed = (await client.callTool({ name: "list_skills", arguments: {} })) as ToolResult;
    expect(
      ((listed.structuredContent?.skills as { name: string }[] | undefined) ?? []).map((skill) => skill.name),
    ).toContain("summarize-line");
    const ran = (await client.callTool({
      name: "run_skill",
      arguments: { name: "summarize-line", input: { line: "checkout" } },
    })) as ToolResult;
    expect(JSON.stringify(ran.structuredContent?.output)).toContain("Owner: ana");
    const skill = await client.readResource({ uri: "skill://summarize-line/SKILL.md" });
    expect(textOf(skill)).toContain("name: summarize-line");
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toContain("summarize-line");
    const prompt = await client.getPrompt({ name: "summarize-line", arguments: { line: "checkout" } });
    expect(JSON.stringify(prompt.messages)).toContain('"input\\":{\\"line\\":\\"checkout\\"}');
  });

  it("reads every resource kind and completes ids", async () => {
    const floorplan = await client.readResource({ uri: "factory://floorplan" });
    expect(textOf(floorplan)).toContain('"checkout"');
    const line = await client.readResource({ uri: "factory://lines/search" });
    expect(textOf(line)).toContain('"owner": "bo"');
    const standards = await client.readResource({ uri: "factory://standards" });
    expect(textOf(standards)).toContain("line-described");
    const [document] = await factory.knowledge.list({ limit: 1 });
    const read = await client.readResource({ uri: `factory://documents/${document?.id}` });
    expect(textOf(read)).toContain("# Retry failed payments three times");
    const item = await factory.work.createWorkItem({ line: "checkout", title: "Show retries" });
    const work = await client.readResource({ uri: `factory://work/${item.id}` });
    // Named as get_context and the work tools name a work item.
    expect(JSON.parse(textOf(work) ?? "")).toMatchObject({
      workItem: { id: item.id, title: "Show retries" },
      trace: {},
    });
    const completion = await client.complete({
      ref: { type: "ref/resource", uri: "factory://lines/{id}" },
      argument: { name: "id", value: "pay" },
    });
    expect(completion.completion.values).toEqual(["payments"]);
  });
});

describe("writes and guards", () => {
  it("stores a capture once per idempotency key and returns its id and position", async () => {
    const client = await connect(server.url);
    const args = {
      kind: "insight",
      title: "Mobile users abandon at payment",
      body: "Seen in funnel data.",
      lines: ["checkout"],
      idempotencyKey: "k-1",
    };
    const first = (await client.callTool({ name: "capture_knowledge", arguments: args })) as ToolResult;
    const second = (await client.callTool({ name: "capture_knowledge", arguments: args })) as ToolResult;
    expect(first.structuredContent).toMatchObject({
      id: expect.stringMatching(/^doc_/),
      seq: expect.any(Number),
    });
    expect(second.structuredContent).toEqual(first.structuredContent);
    await client.close();
  });

  it("lets two servers on one factory folder see each other's writes", async () => {
    const other = await openFactory({ dir, actor: "bo" });
    const second = await serveHttp(other, { port: 0, token });
    const a = await connect(server.url);
    const b = await connect(second.url);
    const stored = (await a.callTool({
      name: "capture_knowledge",
      arguments: {
        kind: "note",
        title: "Refunds take five days",
        body: "Refunds settle in five business days.",
        lines: ["payments"],
      },
    })) as ToolResult;
    const found = (await b.callTool({
      name: "search_knowledge",
      arguments: { query: "refunds settle" },
    })) as ToolResult;
    expect((found.structuredContent?.hits as { id: string }[] | undefined)?.[0]?.id).toBe(
      stored.structuredContent?.id,
    );
    await Promise.all([a.close(), b.close()]);
    await second.close();
    await other.close();
  });

  it("refuses a request without the token, from a foreign Origin, or over the size bound", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    expect((await fetch(server.url, { method: "POST", headers, body })).status).toBe(401);
    const foreign = await fetch(server.url, {
      method: "POST",
      headers: { ...headers, authorization: `Bearer ${token}`, origin: "https://evil.example" },
      body,
    });
    expect(foreign.status).toBe(403);
    const huge = await fetch(server.url, {
      method: "POST",
      headers: { ...headers, authorization: `Bearer ${token}` },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/list",
        params: { pad: "x".repeat(2 * 1024 * 1024) },
      }),
    });
    expect(huge.status).toBe(413);
  });

  it("will not start without a token unless told to", async () => {
    await expect(serveHttp(factory, { port: 0 })).rejects.toThrow(/token/);
  });
});
