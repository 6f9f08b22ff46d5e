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
  root = mkdtempSync(join(tmpdir(), "factory-mcp-metrics-clock-"));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("get_metrics over a factory with its own clock", () => {
  it("takes its default window from the factory's clock, not the machine's", async () => {
    const factory = await openFactory({
      dir: join(root, "factory"),
      clock: manualClock("2020-01-15T09:00:00Z"),
    });
    await factory.work.captureSignal({ text: "Checkout times out on mobile", source: "support" });
    const server = await serveHttp(factory, { port: 0, token: TOKEN });
    const client = new Client({ name: "metrics-clock-test", version: "1.0.0" });
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
        }),
      );
      const result = await client.callTool({ name: "get_metrics", arguments: {} });
      const measures = result.structuredContent as {
        window: { from: string; to: string };
        signals: { captured: number };
      };
      expect(measures.window.to.slice(0, 10)).toBe("2020-01-15");
      expect(measures.window.from.slice(0, 10)).toBe("2019-12-16");
      expect(measures.signals.captured).toBe(1);
    } finally {
      await client.close();
      await server.close();
      await factory.close();
    }
  }, 60_000);
});
