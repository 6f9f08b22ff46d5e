/**
 * What `serveHttp` logs of the requests the MCP handler itself refuses (a
 * method other than POST, an Accept or Content-Type it does not take, a body
 * that is not JSON) and of a call whose client went away: one line each, with
 * method, path, status, reason and the client's address, as for the
 * refusals the server makes before the handler (docs/mcp.md, HTTP security).
 */
import { rmSync } from "node:fs";
import { defineSkill, type Factory, openFactory } from "@software-factory/intelligence";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { type HttpServer, serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";
import { RawConnection, requestHead } from "./rawHttp.js";

const token = "refusal-log-token-0123456789";
const both = "application/json, text/event-stream";
let dir: string;
let factory: Factory;
let server: HttpServer;
let logged: string[];
let started: () => void = () => undefined;
const running = new Promise<void>((resolve) => {
  started = resolve;
});
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => {
  release = resolve;
});

beforeAll(async () => {
  ({ dir } = await seededFactory().then(async (seeded) => {
    await seeded.factory.close();
    return seeded;
  }));
  factory = await openFactory({
    dir,
    actor: "agent",
    skills: [
      defineSkill({
        name: "wait-for-release",
        description: "Finishes once the test releases it",
        input: z.object({}),
        output: z.object({ done: z.literal(true) }),
        run: async () => {
          started();
          await released;
          return { done: true as const };
        },
      }),
    ],
  });
  server = await serveHttp(factory, { port: 0, token }, { skillsDir: false });
});

afterAll(async () => {
  release();
  await server.close();
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  logged = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A request to the endpoint with the token and `headers`. */
const send = (method: string, headers: Record<string, string>, body?: string) =>
  fetch(server.url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(body === undefined ? {} : { body }),
  });

const initialize = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
});

/** The lines logged about the endpoint's requests. */
const httpLines = () =>
  logged
    .join("")
    .split("\n")
    .filter((line) => line.includes("http "));

describe("serveHttp logs the refusals of the MCP handler", () => {
  it("logs a DELETE, a POST without Accept or with text/plain, and a body that is not JSON, one line each with its peer", async () => {
    expect((await send("DELETE", {})).status).toBe(405);
    expect((await send("POST", { "content-type": "application/json" }, initialize)).status).toBe(406);
    expect((await send("POST", { "content-type": "text/plain", accept: both }, initialize)).status).toBe(415);
    expect((await send("POST", { "content-type": "application/json", accept: both }, "{oops")).status).toBe(
      400,
    );
    const peer = String.raw`\(from 127\.0\.0\.1:\d+\)$`;
    expect(httpLines()).toEqual([
      expect.stringMatching(
        new RegExp(`^@software-factory/mcp: http DELETE "/mcp" 405 Method not allowed\\. ${peer}`),
      ),
      expect.stringMatching(new RegExp(`http POST "/mcp" 406 Not Acceptable: Client must accept .+ ${peer}`)),
      expect.stringMatching(
        new RegExp(
          `http POST "/mcp" 415 Unsupported Media Type: Content-Type must be application/json ${peer}`,
        ),
      ),
      expect.stringMatching(new RegExp(`http POST "/mcp" 400 Parse error: Invalid JSON ${peer}`)),
    ]);
  });

  it("names the wrong field of a JSON body that is not a JSON-RPC message, in its -32600 answer and its log line", async () => {
    const json = { "content-type": "application/json", accept: both };
    const refused = async (body: unknown) => {
      const answer = await send("POST", json, JSON.stringify(body));
      return { status: answer.status, body: await answer.json() };
    };
    const invalid = (message: string, id: number | null = null) => ({
      status: 400,
      body: { jsonrpc: "2.0", id, error: { code: -32600, message: `Bad Request: ${message}` } },
    });
    expect(await refused({ jsonrpc: "2.0", id: { a: 1 }, method: "ping" })).toEqual(
      invalid("id: must be a string or an integer (got an object)"),
    );
    expect(await refused({ jsonrpc: "1.0", id: 1, method: "ping" })).toEqual(
      invalid('jsonrpc: must be "2.0" (got "1.0")', 1),
    );
    expect(await refused({ jsonrpc: "2.0", id: 2, method: ["ping"] })).toEqual(
      invalid("method: must be a string (got an array)"),
    );
    expect(httpLines()).toEqual([
      expect.stringContaining("400 Bad Request: id: must be a string or an integer (got an object) (from"),
      expect.stringContaining('400 Bad Request: jsonrpc: must be "2.0" (got "1.0") (from'),
      expect.stringContaining("400 Bad Request: method: must be a string (got an array) (from"),
    ]);
  });

  it("logs nothing for a request it answers, nor for the 405 that tells a client's GET it offers no stream", async () => {
    expect((await send("GET", { accept: "text/event-stream" })).status).toBe(405);
    const answer = await send("POST", { "content-type": "application/json", accept: both }, initialize);
    expect(answer.status).toBe(200);
    await answer.text();
    expect(httpLines()).toEqual([]);
  });

  it("names the peer of a call whose client closed the connection before the answer", async () => {
    const call = JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "run_skill", arguments: { name: "wait-for-release", input: {} } },
    });
    const connection = await RawConnection.open(server.url);
    await connection.write(
      requestHead(server.url, "POST", {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: both,
        "mcp-protocol-version": "2025-11-25",
        "content-length": Buffer.byteLength(call),
      }) + call,
    );
    // The client goes away while the skill runs.
    await running;
    connection.socket.destroy();
    await expect
      .poll(() => httpLines(), { timeout: 10_000, interval: 20 })
      .toEqual([expect.stringMatching(/ 499 not answered: .+ \(from 127\.0\.0\.1:\d+\)$/)]);
  });
});
