import { mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env } from "@huggingface/transformers";
import { openEventLog } from "@software-factory/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createHashingEmbedder,
  createTransformersEmbedder,
  openKnowledgeBase,
  type TransformersEmbedder,
  VectorIndex,
} from "../src/index.js";
import { writeTinyModel } from "./fixtures/tinyOnnxModel.js";

let dir: string;
let modelPath: string;
const opened: TransformersEmbedder[] = [];
/** Any download attempt, by transformers.js or anything else, fails loudly and is recorded. */
const network = vi.fn(async (input: unknown): Promise<never> => {
  throw new Error(`network access attempted in a test: ${String(input)}`);
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-transformers-"));
  modelPath = join(dir, "tiny-model");
  writeTinyModel(modelPath);
  env.fetch = network;
  vi.stubGlobal("fetch", network);
});

afterEach(async () => {
  for (const embedder of opened.splice(0)) await embedder.close();
});

afterAll(() => {
  vi.unstubAllGlobals();
  rmSync(dir, { recursive: true, force: true });
  expect(network).not.toHaveBeenCalled();
});

async function load(options: Partial<Parameters<typeof createTransformersEmbedder>[0]> = {}) {
  const embedder = await createTransformersEmbedder({ modelPath, ...options });
  opened.push(embedder);
  return embedder;
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

describe("createTransformersEmbedder", () => {
  it("reads the dimension from the model and names itself after the folder, the dimension and the files", async () => {
    const embedder = await load();
    expect(embedder.dimension).toBe(8);
    expect(embedder.semantic).toBe(true);
    expect(embedder.modelPath).toBe(modelPath);
    expect(embedder.id).toMatch(/^transformers:tiny-model:8:[0-9a-f]{12}$/);
    expect((await load()).id).toBe(embedder.id);
    expect((await load({ pooling: "cls" })).id).not.toBe(embedder.id);
    const wider = join(dir, "wider", "tiny-model");
    writeTinyModel(wider, { hiddenSize: 12 });
    const other = await load({ modelPath: wider });
    expect(other.dimension).toBe(12);
    expect(other.id).toMatch(/^transformers:tiny-model:12:/);
  });

  it("puts texts about the same thing closer than unrelated ones, with unit vectors", async () => {
    const embedder = await load();
    const [question, billing, pets, storm] = await embedder.embed([
      "How do we refund a payment?",
      "invoice and billing charge",
      "the kitten and the puppy",
      "what is the forecast of the storm",
    ]);
    const q = question as Float32Array;
    expect(cosine(q, billing as Float32Array)).toBeGreaterThan(0.9);
    expect(cosine(q, pets as Float32Array)).toBeLessThan(0.2);
    expect(cosine(q, storm as Float32Array)).toBeLessThan(0.2);
    expect(Math.hypot(...q)).toBeCloseTo(1, 5);
  });

  it("returns the same vectors in batches as one by one, in order", async () => {
    const texts = [
      "refund",
      "the dog and the cat and the veterinarian",
      "",
      "deploy the release to the server, then rollback",
      "rain",
    ];
    const batched = await (await load({ batchSize: 2 })).embed(texts);
    const single = await load({ batchSize: 1 });
    const oneByOne = await Promise.all(texts.map(async (text) => (await single.embed([text]))[0]));
    expect(batched).toHaveLength(texts.length);
    batched.forEach((vector, index) => {
      const expected = oneByOne[index] as Float32Array;
      for (let i = 0; i < vector.length; i += 1) expect(vector[i]).toBeCloseTo(expected[i] as number, 6);
    });
    expect(await single.embed([])).toEqual([]);
  });

  it("loads a model whose model.onnx sits in the folder itself, where optimum-cli writes it", async () => {
    const exported = join(dir, "exported");
    writeTinyModel(exported);
    renameSync(join(exported, "onnx", "model.onnx"), join(exported, "model.onnx"));
    const [fromRoot] = await (await load({ modelPath: exported })).embed(["refund the invoice"]);
    const [fromHub] = await (await load()).embed(["refund the invoice"]);
    expect(Array.from(fromRoot as Float32Array)).toEqual(Array.from(fromHub as Float32Array));
  });

  it("fails with errors that name what is missing, where, and how to fix it", async () => {
    const missing = join(dir, "nowhere");
    await expect(createTransformersEmbedder({ modelPath: missing })).rejects.toThrow(
      new RegExp(`model folder ${missing} does not exist.*optimum-cli export onnx`),
    );
    const noTokenizer = join(dir, "no-tokenizer");
    writeTinyModel(noTokenizer, { omit: ["tokenizer.json"] });
    await expect(createTransformersEmbedder({ modelPath: noTokenizer })).rejects.toMatchObject({
      code: "E_EMBEDDER",
      message: expect.stringMatching(new RegExp(`${noTokenizer} lacks tokenizer.json`)),
    });
    await expect(createTransformersEmbedder({ modelPath, dtype: "q8" })).rejects.toThrow(
      /lacks onnx\/model_quantized.onnx.*choose another dtype/,
    );
    const classifier = join(dir, "classifier");
    writeTinyModel(classifier, { outputName: "logits" });
    await expect(createTransformersEmbedder({ modelPath: classifier })).rejects.toThrow(
      /not a feature-extraction model: its outputs are logits/,
    );
    await expect(createTransformersEmbedder({ modelPath: "", batchSize: 0 })).rejects.toThrow(
      /modelPath[\s\S]*batchSize/,
    );
  });
});

describe("a knowledge base on the transformers.js embedder", () => {
  it("finds a document by a word that only the model relates to it, and rebuilds its vectors for another embedder", async () => {
    const embedder = await load();
    const knowledge = join(dir, "kb");
    const log = await openEventLog({ path: join(dir, "factory.db") });
    try {
      const kb = await openKnowledgeBase({ log, dir: knowledge, embedder });
      const source = { system: "test", author: "ana" };
      const refunds = await kb.capture({
        kind: "note",
        title: "Money back",
        body: "We refund a card charge within 30 days.",
        source,
      });
      await kb.capture({ kind: "note", title: "Clinic", body: "The kitten sees the veterinarian.", source });
      await kb.capture({ kind: "note", title: "Weekend", body: "Rain and snow in the forecast.", source });
      expect(kb.embedderId).toBe(embedder.id);

      const vector = await kb.search("invoice", { mode: "vector" });
      expect(vector.hits[0]?.document.id).toBe(refunds.id);
      const hybrid = await kb.search("invoice");
      expect(hybrid.hits[0]?.document.id).toBe(refunds.id);
      expect(hybrid.hits[0]?.vectorRank).toBe(1);
      expect(hybrid.hits[0]?.lexicalRank).toBeUndefined();
      await kb.close();

      const saved = join(knowledge, "knowledge.hnsw");
      expect(VectorIndex.load(saved, embedder)?.index.size).toBe(3);
      const hashing = createHashingEmbedder();
      expect(VectorIndex.load(saved, hashing)).toBeUndefined();

      const reopened = await openKnowledgeBase({ log, dir: knowledge, embedder: hashing });
      expect(reopened.embedderId).toBe(hashing.id);
      expect((await reopened.search("refund")).hits[0]?.document.id).toBe(refunds.id);
      await reopened.close();
      expect(JSON.parse(readFileSync(`${saved}.json`, "utf8")).embedderId).toBe(hashing.id);
      expect(VectorIndex.load(saved, embedder)).toBeUndefined();
    } finally {
      await log.close();
    }
  });
});
