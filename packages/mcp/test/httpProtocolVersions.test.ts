/**
 * Over Streamable HTTP, a request whose `MCP-Protocol-Version` header names
 * a revision the server does not speak gets 400 listing the revisions it
 * speaks, 2026-07-28 among them (the list named only the 2025-era ones,
 * while a client pinned to 2026-07-28 is served). `serveHttp` in process,
 * real HTTP requests and a real SDK client.
 */
import { rmSync } from "node:fs";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { Factory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpServer, serveHttp } from "../src/index.js";
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

/** The status and JSON-RPC error message of a `tools/list` POST declaring `version`. */
async function postDeclaring(version: string): Promise<{ status: number; message: string }> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": version,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  const body = (await response.json()) as { error?: { message?: string } };
  return { status: response.status, message: body.error?.message ?? "" };
}

describe("MCP-Protocol-Version over Streamable HTTP", () => {
  it("refuses a revision the server does not speak, listing every one it speaks", async () => {
    expect(await postDeclaring("1999-01-01")).toEqual({
      status: 400,
      message:
        "Bad Request: Unsupported protocol version: 1999-01-01 (supported versions: 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05, 2024-10-07, 2026-07-28)",
    });
  });

  it("lists the revision a client pinned to 2026-07-28 is served in", async () => {
    const client = new Client(
      { name: "http-protocol-versions-test", version: "1.0.0" },
      { versionNegotiation: { mode: { pin: "2026-07-28" } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const negotiated = client.getNegotiatedProtocolVersion() ?? "";
      expect(negotiated).toBe("2026-07-28");
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      const { message } = await postDeclaring("1999-01-01");
      expect(message.slice(message.indexOf("(supported versions: ")).split(/[:,() ]+/)).toContain(negotiated);
    } finally {
      await client.close();
    }
  });
});
