import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineFactorySkill, FactoryService, IntelligenceService } from "@software-factory/intelligence";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

/** An Effect skill that revises a document through the KnowledgeBaseService of the factory running it. */
const reviseNote = defineFactorySkill({
  name: "revise-note",
  description: "Rewrites a note's body",
  input: z.object({ id: z.string(), body: z.string() }),
  output: z.object({ revision: z.number() }),
  run: ({ id, body }, { services }) =>
    Effect.gen(function* () {
      const knowledge = yield* KnowledgeBaseService;
      const { document } = yield* knowledge.revise(id, { body });
      return { revision: document.revisions.length };
    }).pipe(Effect.provide(FactoryService.fromFactory(services))),
});

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "skill-retracted-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("a skill whose handler changes a retracted document", () => {
  it("fails runSkill with the DocumentRetractedError, which catchTag handles, as it does NotFoundError", async () => {
    const program = Effect.gen(function* () {
      const knowledge = yield* KnowledgeBaseService;
      const intelligence = yield* IntelligenceService;
      const note = yield* knowledge.capture({
        kind: "note",
        title: "Links expire",
        body: "Payment links expire after 24 hours.",
        source: { system: "docs" },
      });
      yield* knowledge.retract(note.id, "links no longer expire");
      return yield* intelligence
        .runSkill("revise-note", { id: note.id, body: "Payment links expire after 48 hours." })
        .pipe(
          Effect.catchTag("DocumentRetractedError", (error) =>
            Effect.succeed({ retracted: error.id === note.id, reason: error.reason }),
          ),
        );
    });

    const outcome = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir, skills: [reviseNote] })),
    );

    expect(outcome).toEqual({ retracted: true, reason: "links no longer expire" });
  });
});
