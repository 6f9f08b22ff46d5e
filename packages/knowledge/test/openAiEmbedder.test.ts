import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createOpenAiEmbedder } from "../src/index.js";

/** A local server speaking the OpenAI `/v1/embeddings` protocol, scripted per test. */
async function embeddingsServer(
  answer: (
    body: { model: string; input: string[] },
    request: IncomingMessage,
    call: number,
  ) => { status: number; json: unknown; headers?: Record<string, string> },
): Promise<{
  url: string;
  calls: { model: string; input: string[]; authorization?: string }[];
  server: Server;
}> {
  const calls: { model: string; input: string[]; authorization?: string }[] = [];
  const server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => {
      raw += String(chunk);
    });
    request.on("end", () => {
      const body = JSON.parse(raw) as { model: string; input: string[] };
      calls.push({
        ...body,
        ...(request.headers.authorization === undefined
          ? {}
          : { authorization: request.headers.authorization }),
      });
      const reply =
        request.url === "/v1/embeddings"
          ? answer(body, request, calls.length)
          : { status: 404, json: { error: "no route" } };
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      response.end(JSON.stringify(reply.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, calls, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const vectorsFor = (input: string[]) => ({
  data: input.map((text, index) => ({ index, embedding: [text.length, 1, 0] })),
});

describe("createOpenAiEmbedder", () => {
  it("embeds in batches, in order, with the key", async () => {
    const { url, calls } = await embeddingsServer((body) => ({ status: 200, json: vectorsFor(body.input) }));
    const embedder = createOpenAiEmbedder({ url, model: "m", dimension: 3, apiKey: "sk-test", batchSize: 2 });
    const vectors = await embedder.embed(["a", "bb", "ccc"]);
    expect(vectors.map((vector) => vector[0])).toEqual([1, 2, 3]);
    expect(calls.map((call) => call.input)).toEqual([["a", "bb"], ["ccc"]]);
    expect(calls[0]?.authorization).toBe("Bearer sk-test");
    expect(embedder.id).toContain("/m/3");
  });

  it("retries a rate limit and a server error, then succeeds", async () => {
    const { url, calls } = await embeddingsServer((body, _request, call) =>
      call === 1
        ? { status: 429, json: { error: { message: "slow down" } }, headers: { "retry-after": "0" } }
        : call === 2
          ? { status: 503, json: {} }
          : { status: 200, json: vectorsFor(body.input) },
    );
    const embedder = createOpenAiEmbedder({ url, model: "m", dimension: 3, backoffMs: 1 });
    expect(await embedder.embed(["x"])).toHaveLength(1);
    expect(calls).toHaveLength(3);
  });

  it("fails with a message that says what to fix", async () => {
    const unauthorized = await embeddingsServer(() => ({
      status: 401,
      json: { error: { message: "bad key" } },
    }));
    await expect(
      createOpenAiEmbedder({ url: unauthorized.url, model: "m", dimension: 3 }).embed(["x"]),
    ).rejects.toThrow(/401 \(bad key\); check the API key/);
    const wrongSize = await embeddingsServer((body) => ({ status: 200, json: vectorsFor(body.input) }));
    await expect(
      createOpenAiEmbedder({ url: wrongSize.url, model: "m", dimension: 8 }).embed(["x"]),
    ).rejects.toThrow(/3 dimensions.*set dimension to 3/);
    await expect(
      createOpenAiEmbedder({
        url: "http://127.0.0.1:1",
        model: "m",
        dimension: 3,
        maxRetries: 1,
        backoffMs: 1,
      }).embed(["x"]),
    ).rejects.toThrow(/cannot reach .* after 2 attempts/);
    expect(() => createOpenAiEmbedder({ url: "not a url", model: "", dimension: 0 })).toThrow(
      /url[\s\S]*model[\s\S]*dimension/,
    );
  });
});
