import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { manualClock } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveHttp } from "../src/index.js";

const TOKEN = "test-token-0123456789";
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "factory-mcp-retired-line-"));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("get_metrics of a retired line", () => {
  it("measures the history of a line the floor plan no longer has, and still refuses a line never known", async () => {
    const clock = manualClock("2026-03-02T09:00:00Z");
    const factory = await openFactory({ dir: join(root, "factory"), clock, actor: "ana" });
    await factory.floorplan.applyPlan({
      product: { id: "shop" },
      operators: [{ id: "ana" }, { id: "bo" }],
      lines: [
        { id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] },
        { id: "search", description: "Product search", owner: "bo", paths: ["/src/search/"] },
      ],
    });
    const work = factory.work;
    const item = await work.createWorkItem({ line: "search", title: "Autocomplete", flow: "tiny" });
    await work.advance(item.id);
    await work.recordArtifact({
      kind: "changeSet",
      title: "c",
      fields: { commit: "4f2a9c1", paths: ["src/search/a.ts"] },
      workItem: item.id,
    });
    await work.advance(item.id);
    await work.recordArtifact({
      kind: "testEvidence",
      title: "t",
      fields: { runId: "ci-1", passed: 3, failed: 0 },
      workItem: item.id,
    });
    clock.set("2026-03-03T09:00:00Z");
    await work.advance(item.id);
    await factory.floorplan.retireLine("search");

    const server = await serveHttp(factory, { port: 0, token: TOKEN });
    const client = new Client({ name: "retired-line-metrics-test", version: "1.0.0" });
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
        }),
      );
      const window = { since: "2026-03-01", until: "2026-03-08" };
      const result = await client.callTool({ name: "get_metrics", arguments: { ...window, line: "search" } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        scope: { line: "search" },
        yield: { delivered: 1, firstPass: 1, rate: 1 },
      });
      expect(result.structuredContent).toEqual(
        JSON.parse(
          JSON.stringify(await work.measures({ from: "2026-03-01", to: "2026-03-08", line: "search" })),
        ),
      );
      const unknown = await client.callTool({
        name: "get_metrics",
        arguments: { ...window, line: "nowhere" },
      });
      expect(unknown.isError).toBe(true);
      expect(JSON.stringify(unknown.content)).toContain('line: no line \\"nowhere\\" in the floor plan');
    } finally {
      await client.close();
      await server.close();
      await factory.close();
    }
  }, 60_000);
});
