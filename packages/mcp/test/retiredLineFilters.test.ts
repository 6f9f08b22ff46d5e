/**
 * The MCP tools that read by line (check_standards, list_work,
 * list_suspect_links, list_deployments, list_incidents, search_knowledge,
 * list_knowledge) answer a line retired from the floor plan with its
 * history, as the SDK does, and refuse a line never known in this server's
 * words; list_work's owner refuses an operator never known likewise.
 */
import { rmSync } from "node:fs";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";

const TOKEN = "test-token-0123456789";

describe("tools reading by line, given a retired line or one never known", () => {
  it("answer the retired line's history and refuse the unknown one in the server's words", async () => {
    const { dir, factory } = await seededFactory();
    await factory.work.createWorkItem({ line: "search", title: "Autocomplete" });
    await factory.work.recordDeployment({ environment: "production", line: "search" });
    await factory.work.openIncident({ title: "Search down", line: "search" });
    await factory.knowledge.capture({
      kind: "note",
      title: "Autocomplete ranks by sales",
      body: "Autocomplete suggestions are ranked by last month's sales.",
      source: { system: "test" },
      lines: ["search"],
    });
    await factory.floorplan.retireLine("search");
    expect(factory.floorplan.hasLine("search")).toBe(false);

    const server = await serveHttp(factory, { port: 0, token: TOKEN });
    const client = new Client({ name: "retired-line-filters-test", version: "1.0.0" });
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
        }),
      );
      const call = (name: string, args: Record<string, unknown>) =>
        client.callTool({ name, arguments: args }) as Promise<{
          isError?: boolean;
          structuredContent?: Record<string, unknown[]>;
          content: unknown;
        }>;

      const answered = {
        check_standards: await call("check_standards", { line: "search" }),
        list_work: await call("list_work", { line: "search" }),
        list_suspect_links: await call("list_suspect_links", { line: "search" }),
        list_deployments: await call("list_deployments", { line: "search" }),
        list_incidents: await call("list_incidents", { line: "search" }),
        search_knowledge: await call("search_knowledge", { query: "autocomplete", lines: ["search"] }),
        list_knowledge: await call("list_knowledge", { lines: ["search"] }),
      };
      for (const [tool, result] of Object.entries(answered))
        expect({ tool, isError: result.isError ?? false, content: result.content }).toMatchObject({
          tool,
          isError: false,
        });
      expect(answered.list_work.structuredContent?.items).toHaveLength(1);
      expect(answered.list_deployments.structuredContent?.items).toHaveLength(1);
      expect(answered.list_incidents.structuredContent?.items).toHaveLength(1);
      expect(answered.search_knowledge.structuredContent?.hits).toHaveLength(1);
      expect(answered.list_knowledge.structuredContent?.documents).toHaveLength(1);

      for (const [tool, args, field] of [
        ["check_standards", { line: "nowhere" }, "line"],
        ["list_work", { line: "nowhere" }, "line"],
        ["list_suspect_links", { line: "nowhere" }, "line"],
        ["list_deployments", { line: "nowhere" }, "line"],
        ["list_incidents", { line: "nowhere" }, "line"],
        ["search_knowledge", { query: "autocomplete", lines: ["checkout", "nowhere"] }, "lines[1]"],
        ["list_knowledge", { lines: ["nowhere"] }, "lines[0]"],
      ] as const) {
        const refused = await call(tool, args);
        expect({ tool, isError: refused.isError }).toEqual({ tool, isError: true });
        expect(JSON.stringify(refused.content)).toContain(
          `${field}: no line \\"nowhere\\" in the floor plan (`,
        );
      }
      const owner = await call("list_work", { owner: "anna" });
      expect(owner.isError).toBe(true);
      expect(JSON.stringify(owner.content)).toContain(
        'owner: no operator \\"anna\\" in the floor plan, and no work item is theirs (did you mean \\"ana\\"?)',
      );
    } finally {
      await client.close();
      await server.close();
      await factory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
