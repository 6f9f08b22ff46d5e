/**
 * A local OpenAI-compatible `/v1/embeddings` server for cancellation tests of
 * the bins (`FACTORY_EMBEDDER=openai` pointed at it): it answers each request
 * but those for a text containing `held`, which it holds open, never
 * answering, and tells when the client closed one. The MCP tools' tests (an MCP client
 * cancelling a call) and the CLI's (Ctrl-C during a read) use it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running {@link startHeldEmbeddingsServer}. */
export interface HeldEmbeddingsServer {
  /** The environment that points the bins' embedder here (3-dimensional vectors, model `m`). */
  readonly env: Readonly<Record<string, string>>;
  /** Resolves when a request for a `held` text has arrived. */
  readonly arrived: Promise<void>;
  /** Resolves when the client closed a held request before it was answered. */
  readonly closed: Promise<void>;
  /** Closes the server and its connections. */
  close(): Promise<void>;
}

/**
 * Starts a `/v1/embeddings` server of 3-dimensional vectors on a free local
 * port that holds open each request with a text containing `held`.
 */
export async function startHeldEmbeddingsServer(): Promise<HeldEmbeddingsServer> {
  let onArrival: () => void = () => undefined;
  let onClose: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => {
    onArrival = resolve;
  });
  const closed = new Promise<void>((resolve) => {
    onClose = resolve;
  });
  const server: Server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => {
      raw += String(chunk);
    });
    request.on("end", () => {
      const { input } = JSON.parse(raw) as { input: string[] };
      if (input.some((text) => text.includes("held"))) {
        response.on("close", () => {
          if (!response.writableEnded) onClose();
        });
        onArrival();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ data: input.map((text, index) => ({ index, embedding: [text.length, 1, 0] })) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env: {
      FACTORY_EMBEDDER: "openai",
      FACTORY_EMBEDDER_URL: url,
      FACTORY_EMBEDDER_MODEL: "m",
      FACTORY_EMBEDDER_DIMENSION: "3",
    },
    arrived,
    closed,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
