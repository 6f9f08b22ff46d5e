import { rmSync } from "node:fs";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpServer, serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";
import { RawConnection, requestHead } from "./rawHttp.js";

const token = "limits-token-0123456789";
const json = { "content-type": "application/json", accept: "application/json, text/event-stream" };
let dir: string;
let factory: Factory;

beforeAll(async () => {
  ({ dir, factory } = await seededFactory());
});

afterAll(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A tools/call of capture_knowledge as one JSON-RPC request. */
const capture = (id: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: {
      name: "capture_knowledge",
      arguments: {
        kind: "note",
        title: `Drain note ${id}`,
        body: `Written during a drain (${id}).`,
        lines: ["checkout"],
      },
    },
  });

describe("serveHttp bounds slow clients and connections", () => {
  let server: HttpServer;
  beforeAll(async () => {
    server = await serveHttp(factory, {
      port: 0,
      token,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1_000,
      maxConnections: 3,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers 408 and closes a connection whose headers or body do not arrive in time", async () => {
    const slowHeaders = await RawConnection.open(server.url);
    await slowHeaders.write(`POST /mcp HTTP/1.1\r\nhost: ${new URL(server.url).host}\r\n`);
    const slowBody = await RawConnection.open(server.url);
    await slowBody.write(
      requestHead(server.url, "POST", { ...json, authorization: `Bearer ${token}`, "content-length": 1_000 }),
    );
    await slowBody.write('{"jsonrpc":');
    const started = Date.now();
    const [headersAnswer, bodyAnswer] = await Promise.all([slowHeaders.closed(), slowBody.closed()]);
    expect(headersAnswer.status).toBe(408);
    expect(bodyAnswer.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("closes connections over maxConnections as they arrive, and serves those within it", async () => {
    const held = [await RawConnection.open(server.url), await RawConnection.open(server.url)];
    const third = await RawConnection.open(server.url);
    const fourth = await RawConnection.open(server.url);
    const refused = await fourth.closed();
    expect(refused.text).toBe("");
    // The third is within the bound: it is served.
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
    await third.write(
      requestHead(server.url, "POST", {
        ...json,
        authorization: `Bearer ${token}`,
        connection: "close",
        "content-length": body.length,
      }) + body,
    );
    expect((await third.closed()).status).toBe(200);
    for (const connection of held) connection.socket.destroy();
  });
});

describe("HttpServer.close drains", () => {
  it("finishes requests in flight, refuses new connections, and does not wait for subscription streams", async () => {
    const server = await serveHttp(factory, { port: 0, token });
    const listener = new Client(
      { name: "drain-listener", version: "1.0.0" },
      {
        versionNegotiation: { mode: { pin: "2026-07-28" } },
        listChanged: { prompts: { autoRefresh: false, onChanged: () => undefined } },
      },
    );
    await listener.connect(
      new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    // Twenty requests the server has begun (it said 100 Continue), their bodies not yet sent.
    const bodies = Array.from({ length: 20 }, (_, index) => capture(index + 1));
    const connections = await Promise.all(
      bodies.map(async (body) => {
        const connection = await RawConnection.open(server.url);
        await connection.write(
          requestHead(server.url, "POST", {
            ...json,
            authorization: `Bearer ${token}`,
            expect: "100-continue",
            "content-length": Buffer.byteLength(body),
          }),
        );
        await connection.waitFor("100 Continue");
        return connection;
      }),
    );
    const started = Date.now();
    const closed = server.close({ graceMs: 60_000 });
    await expect(RawConnection.open(server.url)).rejects.toThrow(/ECONNREFUSED/);
    const answers = await Promise.all(
      connections.map(async (connection, index) => {
        await connection.write(bodies[index] as string);
        return connection.closed();
      }),
    );
    await closed;
    expect(Date.now() - started).toBeLessThan(15_000);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe("close");
      expect(answer.body).toMatch(/"id":"doc_/);
    }
    await listener.close().catch(() => undefined);
    const reopened = await openFactory({ dir });
    try {
      const notes = await reopened.knowledge.list({ limit: 100 });
      expect(notes.filter((note) => note.title.startsWith("Drain note"))).toHaveLength(20);
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
