import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryEventStore, EventStoreService, ModelProviderService } from "@software-factory/core";
import {
  createOpenAiCompatibleProvider,
  defineFactorySkill,
  FactoryService,
  IntelligenceService,
} from "@software-factory/intelligence";
import { createHashingEmbedder, EmbedderService, KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect, Layer } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { completion, type OpenAiServer, startOpenAiServer } from "../models/openAiServer.js";

/** A skill that asks the factory's model provider and returns its answer. */
const ask = defineFactorySkill({
  name: "ask",
  description: "Asks the model a question",
  requires: ["model"],
  input: z.object({ question: z.string() }),
  output: z.object({ answer: z.string() }),
  run: async ({ question }, { model, signal }) => {
    const reply = await model().chat({ messages: [{ role: "user", content: question }], signal });
    return { answer: reply.text };
  },
});

let dir: string;
let server: OpenAiServer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "context-services-"));
  server = await startOpenAiServer({ status: 200, body: completion("Payment links expire after 24 hours.") });
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("FactoryService.layer over the services of its context", () => {
  it("keeps its log in the EventStoreService, embeds with the EmbedderService and asks the ModelProviderService", async () => {
    const embedder = createHashingEmbedder({ dimension: 64 });
    const services = Layer.mergeAll(
      Layer.sync(EventStoreService, createMemoryEventStore),
      Layer.succeed(EmbedderService, embedder),
      Layer.succeed(
        ModelProviderService,
        createOpenAiCompatibleProvider({ baseUrl: server.baseUrl, model: "llama3.2" }),
      ),
    );
    const program = Effect.gen(function* () {
      const factory = yield* FactoryService;
      const knowledge = yield* KnowledgeBaseService;
      const intelligence = yield* IntelligenceService;
      yield* knowledge.capture({
        kind: "note",
        title: "Links expire",
        body: "Payment links expire after 24 hours.",
        source: { system: "docs" },
      });
      const { output } = yield* intelligence.runSkill("ask", { question: "When do payment links expire?" });
      return { store: factory.log.storeKind, embedder: factory.knowledge.embedderId, answer: output };
    });

    const seen = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir, skills: [ask] }).pipe(Layer.provide(services))),
    );

    expect(seen).toEqual({
      store: "memory",
      embedder: embedder.id,
      answer: { answer: "Payment links expire after 24 hours." },
    });
    expect(server.requests).toHaveLength(1);
    expect(existsSync(join(dir, "factory.db"))).toBe(false);
  });
});
