import { rmSync } from "node:fs";
import type { Factory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";
import { RawConnection, requestHead } from "./rawHttp.js";

const token = "keepalive-token-0123456789";
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

const ping = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "ping" });

describe("HttpServer.close, with a connection kept alive between requests", () => {
  it("answers the next request on it with 503 while a call is in flight, rather than cutting it", async () => {
    const server = await serveHttp(factory, { port: 0, token });
    const headers = { ...json, authorization: `Bearer ${token}` };
    // A client that was answered and keeps its connection for the next request.
    const kept = await RawConnection.open(server.url);
    await kept.write(
      requestHead(server.url, "POST", { ...headers, "content-length": ping(1).length }) + ping(1),
    );
    await kept.waitFor('"id":1}');
    // A call in flight: the server has begun it (100 Continue), its body not yet sent.
    const inFlight = await RawConnection.open(server.url);
    await inFlight.write(
      requestHead(server.url, "POST", {
        ...headers,
        expect: "100-continue",
        "content-length": ping(2).length,
      }),
    );
    await inFlight.waitFor("100 Continue");
    const closing = server.close({ graceMs: 60_000 });
    await kept.write(
      requestHead(server.url, "POST", { ...headers, "content-length": ping(3).length }) + ping(3),
    );
    const refused = await kept.closed();
    expect(refused.status).toBe(503);
    expect(refused.body).toContain("shutting down");
    await inFlight.write(ping(2));
    const answered = await inFlight.closed();
    expect(answered.status).toBe(200);
    expect(answered.body).toContain('"id":2}');
    await closing;
  });
});
