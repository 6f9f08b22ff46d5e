import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService } from "@software-factory/core";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "knowledge-effect-sources-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run<A, E>(program: Effect.Effect<A, E, KnowledgeBaseService>): Promise<A> {
  const layer = KnowledgeBaseService.layer({ dir: join(dir, "knowledge") }).pipe(
    Layer.provide(EventLogService.layer({ path: join(dir, "factory.db") })),
  );
  return Effect.runPromise(Effect.provide(program, layer));
}

describe("KnowledgeBaseService by source", () => {
  it("finds a document by its source address and lists a system's documents, retracted ones included", async () => {
    const found = await run(
      Effect.gen(function* () {
        const kb = yield* KnowledgeBaseService;
        const call = yield* kb.capture({
          kind: "conversation",
          title: "Call with Acme",
          body: "Links expire too soon.",
          source: { system: "gong", uri: "gong://calls/1" },
        });
        const other = yield* kb.capture({
          kind: "conversation",
          title: "Call with Beta",
          body: "All good.",
          source: { system: "gong", uri: "gong://calls/2" },
        });
        yield* kb.capture({ kind: "note", title: "Aside", body: "Unrelated.", source: { system: "cli" } });
        yield* kb.retract(other.id, "duplicate");
        return {
          call: call.id,
          bySource: (yield* kb.bySource("gong", "gong://calls/1"))?.id,
          unknown: yield* kb.bySource("gong", "gong://calls/9"),
          fromGong: (yield* kb.fromSystem("gong")).map((document) => document.title).sort(),
        };
      }),
    );

    expect(found).toEqual({
      call: found.bySource,
      bySource: expect.stringMatching(/.+/),
      unknown: undefined,
      fromGong: ["Call with Acme", "Call with Beta"],
    });
  });
});
