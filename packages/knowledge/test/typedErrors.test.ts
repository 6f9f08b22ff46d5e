import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EventLogService, NotFoundError } from "@software-factory/core";
import { Effect, Exit, Fiber, Layer } from "effect";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  createHashingEmbedder,
  type DocumentKind,
  type Embedder,
  type FormerCopy,
  FrontMatterError,
  type ImportMarkdownFolderReport,
  importMarkdownFolder,
  KnowledgeBaseService,
  type ListKnowledgeOptions,
  parseFrontMatter,
} from "../src/index.js";
import { note } from "./fixtures/retriesNote.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("knowledge-typed-errors-");

/** The hashing embedder, slowed down, counting the calls under way. */
function slowEmbedder(ms: number): Embedder & { readonly inFlight: () => number } {
  const base = createHashingEmbedder();
  let inFlight = 0;
  return {
    id: base.id,
    dimension: base.dimension,
    semantic: base.semantic,
    inFlight: () => inFlight,
    embed: async (texts) => {
      inFlight += 1;
      try {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return await base.embed(texts);
      } finally {
        inFlight -= 1;
      }
    },
  };
}

describe("KnowledgeBaseService errors", () => {
  it("has finished an interrupted capture when the interruption returns, and its key finds it again", async () => {
    const embedder = slowEmbedder(50);
    const layer = KnowledgeBaseService.layer({ dir: join(temp.dir, "effect-cache"), embedder }).pipe(
      Layer.provideMerge(EventLogService.layer({ path: join(temp.dir, "effect.db") })),
    );
    const program = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      const log = yield* EventLogService;
      const fiber = yield* Effect.forkChild(kb.capture(note, { idempotencyKey: "retries" }));
      yield* Effect.yieldNow;
      yield* Fiber.interrupt(fiber);
      const exit = yield* Fiber.await(fiber);
      const underWay = embedder.inFlight();
      const head = yield* log.head;
      const stored = yield* kb.list();
      const again = yield* kb.capture(note, { idempotencyKey: "retries" });
      return {
        interrupted: Exit.hasInterrupts(exit),
        underWay,
        head,
        stored: stored.map((document) => document.id),
        again: again.id,
        after: (yield* kb.list()).length,
      };
    });
    const result = await Effect.runPromise(Effect.provide(program, layer));
    expect(result).toMatchObject({ interrupted: true, underWay: 0, head: 1, after: 1 });
    expect(result.stored).toEqual([result.again]);
  });
});

describe("the Promise face's tagged errors", () => {
  it("refuses a hashing embedder dimension out of range with a ValidationError naming dimension", () => {
    for (const dimension of [8, 4097, 32.5]) {
      expect(() => createHashingEmbedder({ dimension })).toThrow(
        `hashing embedder options is invalid: dimension: hashing embedder dimension must be an integer from 16 to 4096, got ${dimension}`,
      );
      expect(() => createHashingEmbedder({ dimension })).toThrow(
        expect.objectContaining({
          _tag: "ValidationError",
          code: "E_VALIDATION",
          issues: [expect.objectContaining({ path: "dimension" })],
        }),
      );
    }
    expect(createHashingEmbedder({ dimension: 16 }).dimension).toBe(16);
  });

  it("throws NotFoundError for a missing folder and ValidationError for a file, with _tag and code", async () => {
    const file = join(temp.dir, "notes.md");
    writeFileSync(file, "# Notes\n");
    await expect(importMarkdownFolder(temp.kb, join(temp.dir, "nope"))).rejects.toMatchObject({
      _tag: "NotFoundError",
      code: "E_NOT_FOUND",
      entity: "folder",
    });
    await expect(importMarkdownFolder(temp.kb, join(temp.dir, "nope"))).rejects.toBeInstanceOf(NotFoundError);
    await expect(importMarkdownFolder(temp.kb, file)).rejects.toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      issues: [{ path: "folder", message: `${file} is not a folder (give a folder of markdown files)` }],
    });
  });

  it("throws a FrontMatterError with _tag, code, line and column for front matter that is not YAML", () => {
    let thrown: unknown;
    try {
      parseFrontMatter("---\na: [\n---\nbody");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FrontMatterError);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({ _tag: "FrontMatterError", code: "E_FRONT_MATTER", line: 2 });
  });

  it("names the types of its public signatures", () => {
    expectTypeOf<ListKnowledgeOptions["kinds"]>().toEqualTypeOf<DocumentKind[] | undefined>();
    expectTypeOf<ImportMarkdownFolderReport["possiblyStale"]>().toEqualTypeOf<readonly FormerCopy[]>();
  });
});
