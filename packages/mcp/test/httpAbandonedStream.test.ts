import { rmSync } from "node:fs";
import { connect } from "node:net";
import type { Factory } from "@software-factory/intelligence";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveHttp } from "../src/index.js";
import { seededFactory } from "./fixtures.js";
import { requestHead } from "./rawHttp.js";

const token = "abandon-token-0123456789";
let dir: string;
let factory: Factory;

beforeAll(async () => {
  ({ dir, factory } = await seededFactory());
});

afterAll(async () => {
  await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("serveHttp, a client that stops reading its answer and leaves", () => {
  it("lets the server close at once rather than wait out the grace for an answer no one reads", async () => {
    const server = await serveHttp(factory, { port: 0, token });
    // A batch of 100 tool lists: megabytes of answer, more than the sockets' buffers hold.
    const batch = JSON.stringify(
      Array.from({ length: 100 }, (_, index) => ({ jsonrpc: "2.0", id: index, method: "tools/list" })),
    );
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      requestHead(server.url, "POST", {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
        authorization: `Bearer ${token}`,
        "content-length": Buffer.byteLength(batch),
      }) + batch,
    );
    // The answer has begun; the client reads no more of it, then goes.
    await new Promise((resolve) => socket.once("readable", resolve));
    socket.destroy();
    await new Promise((resolve) => socket.once("close", resolve));
    // An hour of grace: the close must not wait on the abandoned answer.
    await expect(server.close({ graceMs: 3_600_000 })).resolves.toBeUndefined();
  });
});
