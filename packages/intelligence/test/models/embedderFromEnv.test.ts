import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { embedderFromEnv, openFactory } from "../../src/index.js";

/** A local `/v1/embeddings` server: each text becomes a 4-dimensional vector of letter counts. */
let server: Server;
let url: string;
const inputs: string[][] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    request.on("end", () => {
      const { input } = JSON.parse(body) as { input: string[] };
      inputs.push(input);
      const data = input.map((text, index) => ({
        object: "embedding",
        index,
        embedding: ["a", "e", "o", "s"].map((letter) => 1 + text.split(letter).length),
      }));
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ object: "list", data, model: "letters" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("embedderFromEnv", () => {
  it("is undefined when FACTORY_EMBEDDER is not set, and the hashing embedder for hashing", async () => {
    expect(await embedderFromEnv({})).toBeUndefined();
    const opened = await embedderFromEnv({ FACTORY_EMBEDDER: "hashing" });
    expect(opened?.embedder.id).toMatch(/^hashing/);
    expect(opened?.embedder.semantic).toBeFalsy();
  });

  it("names every missing or malformed variable of the openai kind", async () => {
    await expect(
      embedderFromEnv({
        FACTORY_EMBEDDER: "openai",
        FACTORY_EMBEDDER_URL: "localhost",
        FACTORY_EMBEDDER_DIMENSION: "x",
      }),
    ).rejects.toThrow(
      /FACTORY_EMBEDDER=openai: FACTORY_EMBEDDER_URL must be the server's base URL.*FACTORY_EMBEDDER_MODEL is not set.*FACTORY_EMBEDDER_DIMENSION must be the model's vector length/,
    );
  });

  it("refuses an unknown kind and names the known ones", async () => {
    await expect(embedderFromEnv({ FACTORY_EMBEDDER: "word2vec" })).rejects.toThrow(
      'FACTORY_EMBEDDER is "word2vec"; it must be one of hashing, openai, transformers',
    );
  });

  it("says where the transformers model folder is missing", async () => {
    await expect(embedderFromEnv({ FACTORY_EMBEDDER: "transformers" })).rejects.toThrow(
      "FACTORY_EMBEDDER_MODEL_PATH is not set",
    );
    const missing = join(tmpdir(), "no-such-model-folder");
    await expect(
      embedderFromEnv({ FACTORY_EMBEDDER: "transformers", FACTORY_EMBEDDER_MODEL_PATH: missing }),
    ).rejects.toThrow(`model folder ${missing} does not exist`);
  });

  it("gives openFactory's knowledge base the embedder the environment names", async () => {
    vi.stubEnv("FACTORY_EMBEDDER", "openai");
    vi.stubEnv("FACTORY_EMBEDDER_URL", url);
    vi.stubEnv("FACTORY_EMBEDDER_MODEL", "letters");
    vi.stubEnv("FACTORY_EMBEDDER_DIMENSION", "4");
    const dir = mkdtempSync(join(tmpdir(), "factory-embedder-env-"));
    try {
      const factory = await openFactory({ dir, actor: "ana" });
      try {
        expect(factory.knowledge.embedderId).toBe(`openai-compatible:${new URL(url).host}/letters/4`);
        await factory.knowledge.capture({
          kind: "research",
          title: "Refund delays",
          body: "Customers wait two weeks for refunds.",
          source: { system: "notes" },
        });
        const { hits, warning } = await factory.knowledge.search("refund wait", { mode: "vector" });
        expect(warning).toBeUndefined();
        expect(hits[0]?.document.title).toBe("Refund delays");
        expect(hits[0]?.vectorRank).toBe(1);
        expect(inputs.flat().some((text) => text.includes("Customers wait two weeks"))).toBe(true);
      } finally {
        await factory.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
