/**
 * A client cancelling a tool that embeds (`search_knowledge`, `get_context`)
 * over stdio cancels its work: the server's OpenAI-compatible embedder
 * (`FACTORY_EMBEDDER=openai`, pointed at a local `/v1/embeddings` server that
 * holds the request for the held text open: heldEmbeddingsServer.ts) closes
 * that request, the server logs that the call stopped early, and it answers
 * the next call.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot, serverArgs, type ToolResult } from "./fixtures.js";
import { startHeldEmbeddingsServer } from "./heldEmbeddingsServer.js";

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One tool that embeds its text: a held call, the next call, and what the next one answers. */
const CASES = [
  {
    tool: "search_knowledge",
    does: "closes the embedder's request for the query, logs that the call stopped early, and answers the next search",
    prefix: "mcp-cancel-search-",
    held: { query: "a held question" },
    next: { query: "another question" },
    answer: { hits: [] },
  },
  {
    tool: "get_context",
    does: "closes the embedder's request for the pack's question, logs that the call stopped early, and answers the next pack",
    prefix: "mcp-cancel-context-",
    held: { question: "a held question" },
    next: { question: "another question" },
    answer: { knowledge: [] },
  },
] as const;

describe.each(CASES)(
  "$tool cancelled by its client over stdio",
  ({ tool, does, prefix, held, next: nextArguments, answer }) => {
    it(does, async () => {
      const embeddings = await startHeldEmbeddingsServer();
      cleanups.push(() => embeddings.close());
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      let stderr = "";
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: serverArgs(["--dir", dir, "--init", "--actor", "agent", "--tools", "knowledge"]),
        cwd: repoRoot,
        env: { ...getDefaultEnvironment(), ...embeddings.env },
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      const client = new Client(
        { name: `cancel-${tool}-test`, version: "1.0.0" },
        { versionNegotiation: { mode: "legacy" } },
      );
      await client.connect(transport);
      cleanups.push(() => client.close());

      const cancel = new AbortController();
      const settled = client.callTool({ name: tool, arguments: held }, { signal: cancel.signal }).then(
        () => "answered",
        () => "rejected",
      );
      await embeddings.arrived;
      cancel.abort("user pressed Esc");

      expect(await settled).toBe("rejected");
      await embeddings.closed;
      await expect
        .poll(() => stderr, { timeout: 60_000, interval: 20 })
        .toMatch(new RegExp(`tools/call ${tool} \\(request \\S+\\) was cancelled \\(.+\\): it `));
      expect(stderr).toMatch(
        new RegExp(
          `tools/call ${tool} \\(request \\S+\\) was cancelled \\(user pressed Esc\\): it stopped early`,
        ),
      );
      const next = (await client.callTool({
        name: tool,
        arguments: nextArguments,
      })) as ToolResult;
      expect(next.isError).toBeUndefined();
      expect(next.structuredContent).toMatchObject(answer);
    }, 120_000);
  },
);
