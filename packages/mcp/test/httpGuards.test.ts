import { rmSync } from "node:fs";
import type { Factory } from "@software-factory/intelligence";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type HttpServer, serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";
import { RawConnection, requestHead } from "./rawHttp.js";

const token = "guards-token-0123456789";
const listTools = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
const json = { "content-type": "application/json", accept: "application/json, text/event-stream" };
let dir: string;
let factory: Factory;
let server: HttpServer;
let logged: string[];

beforeAll(async () => {
  ({ dir, factory } = await seededFactory());
  server = await serveHttp(factory, { port: 0, token, maxRequestBytes: 64 * 1024 });
});

afterAll(async () => {
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

/** A POST of `body` with `headers` through fetch. */
const post = (headers: Record<string, string>, body = listTools, url = server.url) =>
  fetch(url, { method: "POST", headers: { ...json, ...headers }, body });

describe("serveHttp checks the headers first", () => {
  it("refuses a foreign Origin with 403 even without a token, before asking for one", async () => {
    const answer = await post({ origin: "https://evil.example" });
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({
      jsonrpc: "2.0",
      error: { code: -32000, message: "Invalid Origin: evil.example is not an allowed origin" },
      id: null,
    });
  });

  it("refuses a foreign Host with 403 and a Host that is no host name with 400, reflecting nothing", async () => {
    for (const [host, status] of [
      ["evil.example", 403],
      ["a b", 400],
    ] as const) {
      const connection = await RawConnection.open(server.url);
      await connection.write(
        requestHead(server.url, "POST", { host, ...json, "content-length": listTools.length }) + listTools,
      );
      const answer = await connection.closed();
      expect(answer.status).toBe(status);
      const body = JSON.parse(answer.body) as { error: { code: number; message: string }; id: null };
      expect(body).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 }, id: null });
      if (status === 400) expect(body.error.message).not.toContain("a b");
    }
  });

  it("answers 401, 404 and 413 as JSON-RPC errors", async () => {
    const unauthorized = await post({});
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("www-authenticate")).toContain("Bearer");
    expect(await unauthorized.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 }, id: null });
    const notFound = await post(
      { authorization: `Bearer ${token}` },
      listTools,
      server.url.replace("/mcp", "/x"),
    );
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 }, id: null });
    const tooLarge = await post({ authorization: `Bearer ${token}` }, "x".repeat(65 * 1024));
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { message: string } }).error.message).toContain(
      "65536 bytes",
    );
  });

  it("takes the bearer scheme in any case and refuses a wrong token of any length", async () => {
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      expect((await post({ authorization: `${scheme} ${token}` })).status).toBe(200);
    }
    for (const wrong of [`Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, token]) {
      expect((await post({ authorization: wrong })).status).toBe(401);
    }
  });

  it("logs each refusal on one line with method, path, status and peer, never the token", async () => {
    const presented = "not-the-token-but-secret-9876";
    await post({ authorization: `Bearer ${presented}` });
    await post({ authorization: `Bearer ${token}`, origin: "https://evil.example" });
    await post({ authorization: `Bearer ${token}` }, "x".repeat(65 * 1024));
    const lines = logged.filter((line) => line.includes("http POST"));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^@software-factory\/mcp: http POST "\/mcp" 401 .+ \(from 127\.0\.0\.1:\d+\)\n$/,
    );
    expect(lines[1]).toMatch(/ 403 Invalid Origin/);
    expect(lines[2]).toMatch(/ 413 Payload Too Large/);
    expect(logged.join("")).not.toContain(presented);
    expect(logged.join("")).not.toContain(token);
  });
});

describe("serveHttp challenges as RFC 6750 section 3 says", () => {
  const challenge = 'Bearer realm="software-factory"';

  it("answers a request with no token, or another scheme, with a plain Bearer challenge and no error code", async () => {
    for (const headers of [{}, { authorization: `Basic ${token}` }, { authorization: token }]) {
      const answer = await post(headers);
      expect(answer.status).toBe(401);
      expect(answer.headers.get("www-authenticate")).toBe(challenge);
      expect(((await answer.json()) as { error: { message: string } }).error.message).toBe(
        "Unauthorized: no bearer token (send Authorization: Bearer <token>)",
      );
    }
  });

  it('answers a wrong bearer token with 401 and error="invalid_token"', async () => {
    for (const wrong of [`Bearer ${token}x`, `bearer ${token.slice(1)}`, "Bearer bm90LXRoZS10b2tlbg=="]) {
      const answer = await post({ authorization: wrong });
      expect(answer.status).toBe(401);
      expect(answer.headers.get("www-authenticate")).toBe(`${challenge}, error="invalid_token"`);
      expect(((await answer.json()) as { error: { message: string } }).error.message).toBe(
        "Unauthorized: wrong bearer token",
      );
    }
  });

  it('answers a malformed bearer header with 400 and error="invalid_request", naming no token', async () => {
    for (const malformed of ["Bearer", `Bearer ${token} ${token}`, "Bearer not,a;token", "Bearer a=b"]) {
      const answer = await post({ authorization: malformed });
      expect(answer.status).toBe(400);
      expect(answer.headers.get("www-authenticate")).toBe(`${challenge}, error="invalid_request"`);
      const message = ((await answer.json()) as { error: { message: string } }).error.message;
      expect(message).toMatch(/^Bad Request: malformed Authorization header/);
      expect(message).not.toContain(token);
    }
  });

  it('answers two Authorization headers, the right token first, with 400 and error="invalid_request"', async () => {
    const connection = await RawConnection.open(server.url);
    const head = requestHead(server.url, "POST", {
      ...json,
      authorization: `Bearer ${token}`,
      connection: "close",
      "content-length": listTools.length,
    });
    await connection.write(
      head.replace("\r\n\r\n", `\r\nauthorization: Bearer ${token}x\r\n\r\n`) + listTools,
    );
    const answer = await connection.closed();
    expect(answer.status).toBe(400);
    expect(answer.headers["www-authenticate"]).toBe(`${challenge}, error="invalid_request"`);
  });
});

describe("serveHttp does not read what it refuses", () => {
  it("answers a refused request at once and closes the connection without waiting for the declared body", async () => {
    for (const headers of [
      { ...json, "content-length": 300 * 1024 * 1024 },
      { ...json, "content-length": 300 * 1024 * 1024, authorization: `Bearer ${token}` },
      { ...json, "content-length": 300 * 1024 * 1024, origin: "https://evil.example" },
    ]) {
      const connection = await RawConnection.open(server.url);
      await connection.write(requestHead(server.url, "POST", headers));
      await connection.write("x".repeat(1024));
      const answer = await connection.closed();
      expect([401, 413, 403]).toContain(answer.status);
      expect(answer.headers.connection).toBe("close");
    }
  });

  it("answers a client waiting for 100 Continue with its refusal instead, and sends the 100 only to one it reads", async () => {
    for (const [headers, status] of [
      [{ ...json, "content-length": 300 * 1024 * 1024, authorization: `Bearer ${token}` }, 413],
      [{ ...json, "content-length": listTools.length }, 401],
    ] as const) {
      const connection = await RawConnection.open(server.url);
      await connection.write(requestHead(server.url, "POST", { ...headers, expect: "100-continue" }));
      const answer = await connection.closed();
      expect(answer.status).toBe(status);
      expect(answer.text).not.toContain("100 Continue");
    }
    const accepted = await RawConnection.open(server.url);
    await accepted.write(
      requestHead(server.url, "POST", {
        ...json,
        authorization: `Bearer ${token}`,
        expect: "100-continue",
        connection: "close",
        "content-length": listTools.length,
      }),
    );
    await accepted.waitFor("100 Continue");
    await accepted.write(listTools);
    expect((await accepted.closed()).status).toBe(200);
  });

  it("stops reading a chunked body once it grows over the bound: 413 and the connection closed", async () => {
    const connection = await RawConnection.open(server.url);
    await connection.write(
      requestHead(server.url, "POST", {
        ...json,
        authorization: `Bearer ${token}`,
        "transfer-encoding": "chunked",
      }),
    );
    const chunk = "y".repeat(16 * 1024);
    const piece = `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    // More than the bound (64 KiB), and the body never ends: only the bound can answer it.
    for (let sent = 0; sent < 6; sent++) await connection.write(piece);
    const answer = await connection.closed();
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
  });
});
