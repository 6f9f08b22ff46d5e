/**
 * A client cancelling `get_context` over stdio cancels the pack: the server's
 * OpenAI-compatible embedder (`FACTORY_EMBEDDER=openai`, pointed at a local
 * `/v1/embeddings` server that holds the request for the pack's question
 * open) closes that request, the server logs that the call stopped early, and
 * it answers the next pack.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot, serverArgs, type ToolResult } from "./fixtures.js";

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A `/v1/embeddings` server of 3-dimensional vectors that holds open, never
 * answering, each request with a text containing `held`; `closed` resolves
 * when the client closed such a request.
 */
async function embeddingsServer(): Promise<{ url: string; arrived: Promise<void>; closed: Promise<void> }> {
  let onArrival: () => void = () => undefined;
  let onClose: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => {
    onArrival = resolve;
  });
  const closed = new Promise<void>((resolve) => {
    onClose = resolve;
  });
  const server: Server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => {
      raw += String(chunk);
    });
    request.on("end", () => {
      const { input } = JSON.parse(raw) as { input: string[] };
      if (input.some((text) => text.includes("held"))) {
        response.on("close", () => {
          if (!response.writableEnded) onClose();
        });
        onArrival();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ data: input.map((text, index) => ({ index, embedding: [text.length, 1, 0] })) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrived, closed };
}

describe("get_context cancelled by its client over stdio", () => {
  it("closes the embedder's request for the pack's question, logs that the call stopped early, and answers the next pack", async () => {
    const embeddings = await embeddingsServer();
    const dir = mkdtempSync(join(tmpdir(), "mcp-cancel-context-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let stderr = "";
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: serverArgs(["--dir", dir, "--init", "--actor", "agent", "--tools", "knowledge"]),
      cwd: repoRoot,
      env: {
        ...getDefaultEnvironment(),
        FACTORY_EMBEDDER: "openai",
        FACTORY_EMBEDDER_URL: embeddings.url,
        FACTORY_EMBEDDER_MODEL: "m",
        FACTORY_EMBEDDER_DIMENSION: "3",
      },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const client = new Client(
      { name: "cancel-context-test", version: "1.0.0" },
      { versionNegotiation: { mode: "legacy" } },
    );
    await client.connect(transport);
    cleanups.push(() => client.close());

    const cancel = new AbortController();
    const settled = client
      .callTool(
        { name: "get_context", arguments: { question: "a held question" } },
        { signal: cancel.signal },
      )
      .then(
        () => "answered",
        () => "rejected",
      );
    await embeddings.arrived;
    cancel.abort("user pressed Esc");

    expect(await settled).toBe("rejected");
    await embeddings.closed;
    await expect
      .poll(() => stderr, { timeout: 60_000, interval: 20 })
      .toMatch(/tools\/call get_context \(request \S+\) was cancelled \(.+\): it /);
    expect(stderr).toMatch(
      /tools\/call get_context \(request \S+\) was cancelled \(user pressed Esc\): it stopped early/,
    );
    const next = (await client.callTool({
      name: "get_context",
      arguments: { question: "another question" },
    })) as ToolResult;
    expect(next.isError).toBeUndefined();
    expect(next.structuredContent).toMatchObject({ knowledge: [] });
  }, 120_000);
});
