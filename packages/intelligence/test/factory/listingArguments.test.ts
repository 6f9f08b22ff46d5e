import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FactoryService, IntelligenceService } from "@software-factory/intelligence";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "listing-arguments-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("IntelligenceService's standards and skills given malformed arguments by a JavaScript caller", () => {
  it("fail rule, instructions and reloadInstructions with a ValidationError naming the argument, not a defect", async () => {
    const program = Effect.gen(function* () {
      const { standards, skills } = yield* IntelligenceService;
      const caught = (
        call: Effect.Effect<unknown, { readonly _tag: "ValidationError"; readonly message: string }>,
      ) => call.pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(error.message)));
      return [
        yield* caught(standards.rule(42 as never)),
        yield* caught(standards.instructions("src/checkout/cart.ts" as never)),
        yield* caught(skills.reloadInstructions(undefined as never)),
      ];
    });

    const messages = await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir })));

    expect(messages).toEqual([
      expect.stringContaining("id"),
      expect.stringContaining("paths"),
      expect.stringContaining("dir"),
    ]);
  });

  it("lists a skills folder that cannot be read (a name too long) as a problem of reloadInstructions, not a defect", async () => {
    const tooLong = join(dir, "s".repeat(300));
    const program = Effect.gen(function* () {
      const { skills } = yield* IntelligenceService;
      return yield* skills.reloadInstructions(tooLong);
    });

    const { skills, problems } = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir })),
    );

    expect(skills).toEqual([]);
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/cannot be read as a folder of skills: .*ENAMETOOLONG/),
    ]);
  });

  it("measures the use of the skills factory operators encoded, and fails a misspelt option with a ValidationError", async () => {
    const program = Effect.gen(function* () {
      const { skills } = yield* IntelligenceService;
      const usage = yield* skills.usage({ from: "2026-01-01", to: "2026-02-01" });
      const refused = yield* skills
        .usage({ from: "2026-01-01", to: "2026-02-01", author: "ana" } as never)
        .pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(error.message)));
      return { usage, refused };
    });

    const { usage, refused } = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir })),
    );

    expect(usage.window).toEqual({ from: "2026-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z" });
    expect(usage.authors.flatMap((author) => author.skills).every((skill) => skill.runs === 0)).toBe(true);
    expect(refused).toContain("author");
  });
});
