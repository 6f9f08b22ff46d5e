/**
 * The OpenAI-compatible embedder heeds its caller's signal: a local
 * `/v1/embeddings` server that holds each request open sees it closed when
 * the signal aborts (directly, or through a cancelled knowledge search), and
 * a retry the embedder was waiting for is not made.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { createOpenAiEmbedder, openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, describe, expect, it } from "vitest";

/** What the held server saw. */
interface HeldServer {
  readonly url: string;
  /** Requests received, by the texts each asked for. */
  readonly requests: string[][];
  /** Resolves when the next request has arrived whole. */
  arrived(): Promise<void>;
  /** Resolves when a request was closed by the client before it was answered. */
  readonly closed: Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * A `/v1/embeddings` server that answers the first `answered` requests with
 * `status` (and `retry-after`), and holds the others open, never answering.
 */
async function heldServer(answered = 0, status = 503, retryAfter = "60"): Promise<HeldServer> {
  const requests: string[][] = [];
  let onArrival: (() => void) | undefined;
  let onClose: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    onClose = resolve;
  });
  const server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => {
      raw += String(chunk);
    });
    request.on("end", () => {
      requests.push((JSON.parse(raw) as { input: string[] }).input);
      const arrival = onArrival;
      onArrival = undefined;
      if (requests.length <= answered) {
        response.writeHead(status, { "content-type": "application/json", "retry-after": retryAfter });
        response.end(JSON.stringify({ error: { message: "busy" } }));
      } else {
        response.on("close", () => {
          if (!response.writableEnded) onClose();
        });
      }
      arrival?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    arrived: () =>
      new Promise((resolve) => {
        onArrival = resolve;
      }),
    closed,
  };
}

describe("createOpenAiEmbedder with a signal", () => {
  it("closes the request under way when the signal aborts and rejects with its reason", async () => {
    const server = await heldServer();
    const embedder = createOpenAiEmbedder({ url: server.url, model: "m", dimension: 3 });
    const cancel = new AbortController();
    const arrived = server.arrived();

    const embedding = embedder.embed(["a held text"], { signal: cancel.signal });
    await arrived;
    cancel.abort("no longer wanted");

    await expect(embedding).rejects.toBe("no longer wanted");
    await server.closed;
    expect(server.requests).toEqual([["a held text"]]);
  });

  it("stops waiting for a retry when the signal aborts, and makes none", async () => {
    const server = await heldServer(1, 503, "60");
    const embedder = createOpenAiEmbedder({ url: server.url, model: "m", dimension: 3, maxRetries: 3 });
    const cancel = new AbortController();
    const arrived = server.arrived();

    const embedding = embedder.embed(["x"], { signal: cancel.signal });
    await arrived;
    cancel.abort();

    await expect(embedding).rejects.toMatchObject({ name: "AbortError" });
    expect(server.requests).toHaveLength(1);
  });

  it("makes no request when the signal has already aborted", async () => {
    const server = await heldServer();
    const embedder = createOpenAiEmbedder({ url: server.url, model: "m", dimension: 3 });
    const reason = new Error("gone");

    await expect(embedder.embed(["x"], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.requests).toEqual([]);
  });

  it("closes the request for a query when the knowledge search that asked for it is cancelled", async () => {
    const server = await heldServer();
    const dir = mkdtempSync(join(tmpdir(), "knowledge-openai-abort-"));
    const log = await openEventLog({ path: join(dir, "factory.db") });
    const kb = await openKnowledgeBase({
      log,
      embedder: createOpenAiEmbedder({ url: server.url, model: "m", dimension: 3 }),
    });
    try {
      const cancel = new AbortController();
      const arrived = server.arrived();

      const searching = kb.search("why do payments retry?", { signal: cancel.signal });
      await arrived;
      cancel.abort();

      await expect(searching).rejects.toBe(cancel.signal.reason);
      await server.closed;
      expect(server.requests).toEqual([["why do payments retry?"]]);
    } finally {
      await kb.close();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
