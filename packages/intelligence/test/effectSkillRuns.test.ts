import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineFactorySkill,
  FactoryService,
  IntelligenceService,
  openFactory,
} from "@software-factory/intelligence";
import { Deferred, Effect, Fiber } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "effect-skill-runs-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("IntelligenceService.runSkill interrupted inside FactoryService.layer", () => {
  it("lets the skill finish its writes and record its run before the layer closes the factory", async () => {
    let started: () => void = () => undefined;
    const twoNotes = defineFactorySkill({
      name: "two-notes",
      description: "Captures a note, waits on a model, captures another",
      input: z.object({}),
      output: z.object({ ids: z.array(z.string()) }),
      run: async (_input, { services }) => {
        const source = { system: "skill" };
        const first = await services.knowledge.capture({ kind: "note", title: "First", body: "one", source });
        started();
        await new Promise((resolve) => setTimeout(resolve, 300)); // a model's answer
        const second = await services.knowledge.capture({
          kind: "note",
          title: "Second",
          body: "two",
          source,
        });
        return { ids: [first.id, second.id] };
      },
    });
    const program = Effect.gen(function* () {
      const intelligence = yield* IntelligenceService;
      const firstWritten = yield* Deferred.make<void>();
      started = () => Deferred.doneUnsafe(firstWritten, Effect.void);
      const run = yield* Effect.forkChild(intelligence.runSkill("two-notes", {}));
      yield* Deferred.await(firstWritten);
      yield* Fiber.interrupt(run);
    });

    await Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir, skills: [twoNotes] })));

    const factory = await openFactory({ dir, skills: [twoNotes] });
    const titles = (await factory.knowledge.list()).map((document) => document.title);
    const runs = await factory.log.read({ types: ["skill.ran"] });
    await factory.close();
    expect(titles.sort()).toEqual(["First", "Second"]);
    expect(runs.map((event) => (event.data as { outcome: string }).outcome)).toEqual(["ok"]);
  });
});
