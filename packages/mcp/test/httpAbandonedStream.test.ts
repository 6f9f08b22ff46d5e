import { rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
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

// A batch of 100 tool lists: megabytes of answer, more than the sockets' buffers hold.
const batch = JSON.stringify(
  Array.from({ length: 100 }, (_, index) => ({ jsonrpc: "2.0", id: index, method: "tools/list" })),
);

/** Sends the batch on a new connection and resolves once its answer has begun, the client reading no more of it. */
async function stopReadingAnswer(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(
    requestHead(url, "POST", {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
      authorization: `Bearer ${token}`,
      "content-length": Buffer.byteLength(batch),
    }) + batch,
  );
  await new Promise((resolve) => socket.once("readable", resolve));
  return socket;
}

describe("serveHttp, a client that stops reading its answer", () => {
  it("lets the server close at once, once the client has left, rather than wait out the grace", async () => {
    const server = await serveHttp(factory, { port: 0, token });
    const socket = await stopReadingAnswer(server.url);
    socket.destroy();
    await new Promise((resolve) => socket.once("close", resolve));
    // An hour of grace: the close must not wait on the abandoned answer.
    await expect(server.close({ graceMs: 3_600_000 })).resolves.toBeUndefined();
  });

  it("closes the connection of a client that stays but reads none of its answer for requestTimeoutMs", async () => {
    const server = await serveHttp(factory, {
      port: 0,
      token,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1_000,
    });
    const socket = await stopReadingAnswer(server.url);
    // The client neither reads nor leaves: the server cuts it, so a close with an hour's grace ends.
    await expect(server.close({ graceMs: 3_600_000 })).resolves.toBeUndefined();
    socket.destroy();
  });
});
