import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineFactorySkill, FactoryService, IntelligenceService } from "@software-factory/intelligence";
import { Data, Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

/**
 * The model timeout of another copy of `@software-factory/core` (a model
 * provider package built against another version): the same `_tag` and
 * `code`, another class.
 */
class OtherCopyModelTimeoutError extends Data.TaggedError("ModelTimeoutError")<{ readonly message: string }> {
  readonly code = "E_MODEL_TIMEOUT";
}

const askModel = defineFactorySkill({
  name: "ask-model",
  description: "Asks a model that times out",
  input: z.object({}),
  output: z.object({ answer: z.string() }),
  run: () => Effect.fail(new OtherCopyModelTimeoutError({ message: "the model did not answer in 30 s" })),
});

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "foreign-sdk-errors-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("IntelligenceService with errors of another copy of the SDK", () => {
  it("fails runSkill with a ModelTimeoutError of another copy, which catchTag handles, rather than dying", async () => {
    const program = Effect.gen(function* () {
      const intelligence = yield* IntelligenceService;
      return yield* intelligence
        .runSkill("ask-model", {})
        .pipe(
          Effect.catchTag("ModelTimeoutError", (error) => Effect.succeed(`${error.code}: ${error.message}`)),
        );
    });

    const caught = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir, skills: [askModel] })),
    );

    expect(caught).toBe("E_MODEL_TIMEOUT: the model did not answer in 30 s");
  });
});
