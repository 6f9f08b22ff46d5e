import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService } from "@software-factory/core";
import { createHashingEmbedder, EmbedderService, KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect, Layer } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "knowledge-service-embedder-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("KnowledgeBaseService.layer over the EmbedderService of its context", () => {
  it("embeds with the EmbedderService when its options give no embedder", async () => {
    const embedder = createHashingEmbedder({ dimension: 64 });
    const program = Effect.gen(function* () {
      const knowledge = yield* KnowledgeBaseService;
      yield* knowledge.capture({
        kind: "note",
        title: "Retries",
        body: "We retry payments twice.",
        source: { system: "docs" },
      });
      const { hits } = yield* knowledge.search("payment retries", { mode: "vector" });
      return { embedder: knowledge.knowledgeBase.embedderId, titles: hits.map((hit) => hit.document.title) };
    });
    const layer = KnowledgeBaseService.layer({ dir: join(dir, "cache") }).pipe(
      Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
      Layer.provide(Layer.succeed(EmbedderService, embedder)),
    );

    const seen = await Effect.runPromise(Effect.provide(program, layer));

    expect(seen).toEqual({ embedder: embedder.id, titles: ["Retries"] });
  });
});
