/**
 * Every option of `openKnowledgeBase` is checked when it opens: a bad value
 * or an option it does not have is a `ValidationError` naming the option and
 * the value, and nothing is read or written (chunking is checked so for both
 * load modes); good values open a knowledge base that captures and searches.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog, ValidationError } from "@software-factory/core";
import {
  createHashingEmbedder,
  type OpenKnowledgeBaseOptions,
  openKnowledgeBase,
} from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let log: EventLog;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-open-options-"));
  log = await openEventLog({ path: join(dir, "factory.db") });
});
afterEach(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Options as a caller without types might pass them. */
type Untyped = Record<string, unknown>;

const cases: [options: Untyped, path: string, message: string][] = [
  [{ vectorIndex: { m: 1 } }, "vectorIndex.m", "must be at least 2, got 1"],
  [{ vectorIndex: { efSearch: 0 } }, "vectorIndex.efSearch", "must be at least 1, got 0"],
  [{ vectorIndex: { buildThreads: 1.5 } }, "vectorIndex.buildThreads", "must be a whole number, got 1.5"],
  [
    { vectorIndex: { efsearch: 100 } },
    "vectorIndex.efsearch",
    "unknown option; the options are m, efConstruction, efSearch, buildThreads, parallelBuildMin",
  ],
  [{ fusion: { k: -1 } }, "fusion.k", "must be 0 or more, got -1"],
  [{ fusion: { vectorWeight: "2" } }, "fusion.vectorWeight", 'must be a finite number, got "2"'],
  [{ fusion: { mode: "hybrid" } }, "fusion.mode", 'must be one of "rrf", "extend", "lexical"'],
  [{ checkpointEvery: 0 }, "checkpointEvery", "must be at least 1, got 0"],
  [{ checkpointEvery: Number.NaN }, "checkpointEvery", "must be a whole number, got NaN"],
  [
    { chunking: { maxToken: 64 } },
    "chunking.maxToken",
    "unknown option; the options are maxTokens, overlapTokens",
  ],
  [
    { embedder: { ...createHashingEmbedder(), dimension: 0 } },
    "embedder.dimension",
    "must be at least 1, got 0",
  ],
  [{ lines: { hasLine: true } }, "lines.hasLine", "must be a function, got true"],
  [{ load: "lazy" }, "load", 'must be one of "open", "first-use"'],
  [
    { cacheDir: "x" },
    "cacheDir",
    "unknown option; the options are log, dir, embedder, chunking, vectorIndex, fusion, lines, checkpointEvery, load, saveCaches",
  ],
];

describe("openKnowledgeBase options", () => {
  it.each([
    [{ maxTokens: 5 }, "chunking.maxTokens: must be at least 16 tokens, got 5"],
    [{ maxTokens: 64.5 }, "chunking.maxTokens: must be a whole number of tokens, got 64.5"],
    [{ overlapTokens: -1 }, "chunking.overlapTokens: must be 0 or more tokens, got -1"],
  ])(
    "refuses chunking %o with a ValidationError naming the option, before anything is written",
    async (chunking, message) => {
      for (const load of ["open", "first-use"] as const) {
        const knowledge = join(dir, `knowledge-${load}`);
        const error = await openKnowledgeBase({ log, dir: knowledge, chunking, load }).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );

        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).message).toBe(`knowledge base options is invalid: ${message}`);
        expect((error as ValidationError).issues[0]?.path).toBe(message.split(":")[0]);
        expect(existsSync(knowledge)).toBe(false);
      }
      expect(await log.head()).toBe(0);
    },
  );

  it("opens with good chunking options, and every capture lands whole and indexed", async () => {
    const kb = await openKnowledgeBase({
      log,
      dir: join(dir, "knowledge"),
      chunking: { maxTokens: 16, overlapTokens: 0 },
    });
    const doc = await kb.capture({
      kind: "note",
      title: "Retries",
      body: "Payment retries happen three times. ".repeat(20),
      source: { system: "test" },
    });

    const { hits } = await kb.search("payment retries");
    await kb.close();

    expect(await log.head()).toBe(1);
    expect(hits.map((hit) => hit.document.id)).toEqual([doc.id]);
    expect(readdirSync(join(dir, "knowledge")).length).toBeGreaterThan(0);
  });

  it.each(cases)("refuses %o naming %s, before anything is read or written", async (bad, path, message) => {
    const knowledge = join(dir, "knowledge");
    const options = { log, dir: knowledge, ...bad } as unknown as OpenKnowledgeBaseOptions;

    const error = await openKnowledgeBase(options).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(`knowledge base options is invalid: ${path}: ${message}`);
    expect((error as ValidationError).issues).toEqual([{ path, message }]);
    expect(existsSync(knowledge)).toBe(false);
    expect(await log.head()).toBe(0);
  });

  it("refuses something that is not an event log as log", async () => {
    const error = await openKnowledgeBase({ log: {} as EventLog }).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: "log", message: "must be an event log (as openEventLog returns)" },
    ]);
  });

  it("opens with every option set to a good value, and searches", async () => {
    const kb = await openKnowledgeBase({
      log,
      dir: join(dir, "knowledge"),
      embedder: createHashingEmbedder(),
      chunking: { maxTokens: 64, overlapTokens: 0 },
      vectorIndex: { m: 8, efConstruction: 16, efSearch: 50, buildThreads: 1, parallelBuildMin: 0 },
      fusion: { mode: "rrf", k: 0, lexicalWeight: 1, vectorWeight: 0.5 },
      lines: { hasLine: () => true, refresh: async () => undefined },
      checkpointEvery: 1,
      load: "first-use",
    });
    await kb.capture({
      kind: "note",
      title: "Retries",
      body: "Payment retries happen three times.",
      source: { system: "t" },
    });

    const { hits } = await kb.search("payment retries");
    await kb.close();

    expect(hits.map((hit) => hit.document.title)).toEqual(["Retries"]);
  });
});
