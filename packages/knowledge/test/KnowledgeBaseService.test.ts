import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService } from "@software-factory/core";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, describe, expect, it } from "vitest";
import { KnowledgeBaseService } from "../src/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function layerIn(dir: string) {
  return KnowledgeBaseService.layer({ dir: join(dir, "knowledge") }).pipe(
    Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
  );
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "knowledge-effect-"));
  dirs.push(dir);
  return dir;
}

describe("KnowledgeBaseService", () => {
  it("captures and searches, and keeps what it wrote in the log for the next layer", async () => {
    const dir = tempDir();
    const written = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      const doc = yield* kb.capture({
        kind: "note",
        title: "Payments",
        body: "We retry payments twice.",
        source: { system: "test" },
      });
      const { hits } = yield* kb.search("payment retries");
      return { id: doc.id, found: hits.map((hit) => hit.document.id) };
    });

    const first = await Effect.runPromise(Effect.provide(written, layerIn(dir)));
    const reread = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          const kb = yield* KnowledgeBaseService;
          return yield* kb.get(first.id);
        }),
        layerIn(dir),
      ),
    );

    expect(first.found).toEqual([first.id]);
    expect(reread?.body).toBe("We retry payments twice.");
  });

  it("puts typed errors in the error channel, where catchTag handles them", async () => {
    const dir = tempDir();
    const program = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      const missing = yield* kb.revise("doc_nope", { body: "x" }).pipe(
        Effect.map(() => "revised"),
        Effect.catchTag("NotFoundError", (error) => Effect.succeed(`${error.code} ${error.id}`)),
      );
      const invalid = yield* kb.search("  ").pipe(
        Effect.map(() => "searched"),
        Effect.catchTag("ValidationError", (error) => Effect.succeed(error.code)),
      );
      return [missing, invalid];
    });

    expect(await Effect.runPromise(Effect.provide(program, layerIn(dir)))).toEqual([
      "E_NOT_FOUND doc_nope",
      "E_VALIDATION",
    ]);
  });

  it("closes the knowledge base when the layer is released", async () => {
    const dir = tempDir();
    const kept = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          return (yield* KnowledgeBaseService).knowledgeBase;
        }),
        layerIn(dir),
      ),
    );

    await expect(kept.search("anything")).rejects.toMatchObject({ _tag: "ClosedError", code: "E_CLOSED" });
  });
});
