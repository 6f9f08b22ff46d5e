import { join } from "node:path";
import { EventLogService, ValidationError } from "@software-factory/core";
import { Effect, Layer } from "effect";
import { describe, expect, it } from "vitest";
import { KnowledgeBaseService } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("knowledge-strict-search-");

const note = {
  kind: "note",
  title: "Retries",
  body: "We retry payments twice.",
  source: { system: "test" },
} as const;

describe("search options", () => {
  it("refuses an unknown option (kind for kinds) with a ValidationError naming the key, instead of ignoring it", async () => {
    await temp.kb.capture(note);
    const refused = temp.kb.search("retry", { kind: "decision" } as never);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(temp.kb.search("retry", { kind: "decision" } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      message: 'search options is invalid: (root): Unrecognized key: "kind"',
    });
  });

  it("still answers with every known option", async () => {
    await temp.kb.capture(note);
    const result = await temp.kb.search("retry", {
      limit: 5,
      offset: 0,
      kinds: ["note"],
      current: true,
      collapse: true,
      mode: "lexical",
      budgetTokens: 500,
    });
    expect(result.hits.map((hit) => hit.document.title)).toEqual(["Retries"]);
  });

  it("fails the Effect face's search with a ValidationError catchTag handles", async () => {
    const layer = KnowledgeBaseService.layer({ dir: join(temp.dir, "effect-cache") }).pipe(
      Layer.provide(EventLogService.layer({ path: join(temp.dir, "effect.db") })),
    );
    const program = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      return yield* kb.search("retry", { kind: "note" } as never);
    }).pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(error.issues)));
    await expect(Effect.runPromise(Effect.provide(program, layer))).resolves.toEqual([
      { path: "", message: 'Unrecognized key: "kind"' },
    ]);
  });
});
