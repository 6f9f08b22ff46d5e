import { rmSync } from "node:fs";
import type { Factory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpServer, serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";

const token = "cors-token-0123456789";
const json = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
const pageOrigin = "https://console.example";
let dir: string;
let factory: Factory;
let server: HttpServer;

beforeAll(async () => {
  ({ dir, factory } = await seededFactory());
  server = await serveHttp(factory, { port: 0, token, allowedOrigins: ["localhost", "console.example"] });
});

afterAll(async () => {
  await server.close();
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The preflight a browser sends before a POST carrying the token. */
const preflight = (origin: string) =>
  fetch(server.url, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type, mcp-protocol-version",
    },
  });

describe("serveHttp lets a page of an allowed Origin call it (CORS)", () => {
  it("answers the preflight of an allowed Origin with 204, without asking for the token", async () => {
    for (const origin of ["http://localhost:5173", pageOrigin]) {
      const answer = await preflight(origin);
      expect(answer.status).toBe(204);
      expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
      expect(answer.headers.get("access-control-allow-methods")).toContain("POST");
      expect(answer.headers.get("access-control-allow-headers")).toContain("authorization");
    }
  });

  it("names the Origin on its answers, refusals included, and exposes the auth challenge", async () => {
    const answered = await fetch(server.url, {
      method: "POST",
      headers: { ...json, origin: pageOrigin, authorization: `Bearer ${token}` },
      body: ping,
    });
    expect(answered.status).toBe(200);
    expect(answered.headers.get("access-control-allow-origin")).toBe(pageOrigin);
    expect(await answered.text()).toContain('"id":1');
    const refused = await fetch(server.url, {
      method: "POST",
      headers: { ...json, origin: pageOrigin },
      body: ping,
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(pageOrigin);
    expect(refused.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");
  });

  it("still refuses a foreign Origin's preflight with 403 and names no origin", async () => {
    const answer = await preflight("https://evil.example");
    expect(answer.status).toBe(403);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("adds nothing for a client that sends no Origin", async () => {
    const answer = await fetch(server.url, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${token}` },
      body: ping,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    await answer.body?.cancel();
  });
});
