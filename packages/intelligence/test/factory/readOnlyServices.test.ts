import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AssemblyLineService,
  defineEvent,
  EventLogService,
  type ReadOnlyError,
} from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import {
  FactoryService,
  type FactoryServices,
  IntelligenceService,
  openFactory,
} from "@software-factory/intelligence";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

const NoteAdded = defineEvent("note.added", z.object({ text: z.string() }));

const plan = {
  operators: [{ id: "ana" }],
  lines: [{ id: "checkout", owner: "ana", paths: ["/src/checkout/"] }],
};

let dir: string;
let itemId: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "read-only-services-"));
  const factory = await openFactory({ dir, events: [NoteAdded] });
  await factory.floorplan.applyPlan(plan);
  itemId = (await factory.work.createWorkItem({ line: "checkout", title: "Pay by link" })).id;
  await factory.close();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a write over the factory opened read-only; what `catchTag("ReadOnlyError")` caught, or "written". */
function readOnlyOutcome(
  write: Effect.Effect<unknown, { readonly _tag: string }, FactoryServices>,
): Promise<string> {
  const program = write.pipe(
    Effect.map(() => "written"),
    Effect.catchIf(
      (error): error is ReadOnlyError => error._tag === "ReadOnlyError",
      (error) => Effect.succeed(`${error.code}: ${error.message}`),
    ),
  );
  const layer = FactoryService.layer({ dir, readOnly: true, events: [NoteAdded] });
  return Effect.runPromise(Effect.provide(program, layer));
}

describe("the services of a factory opened read-only", () => {
  it("fail each write with a ReadOnlyError in the error channel, not a defect", async () => {
    const writes = {
      log: Effect.gen(function* () {
        const log = yield* EventLogService;
        return yield* log.append({ type: "note.added", subject: "note-1", data: { text: "hi" } });
      }),
      work: Effect.gen(function* () {
        const work = yield* AssemblyLineService;
        return yield* work.advance(itemId);
      }),
      knowledge: Effect.gen(function* () {
        const kb = yield* KnowledgeBaseService;
        return yield* kb.capture({
          kind: "note",
          title: "Retries",
          body: "We retry twice.",
          source: { system: "test" },
        });
      }),
      floorplan: Effect.gen(function* () {
        const floorplan = yield* FloorPlanService;
        return yield* floorplan.applyPlan({ ...plan, operators: [{ id: "ana" }, { id: "bo" }] });
      }),
      inbox: Effect.gen(function* () {
        const intelligence = yield* IntelligenceService;
        return yield* intelligence.inbox.notify({ to: "ana", title: "Look", body: "at this" });
      }),
    };

    for (const [part, write] of Object.entries(writes)) {
      expect([part, await readOnlyOutcome(write)]).toEqual([
        part,
        expect.stringMatching(/^E_READ_ONLY: .*read-only/),
      ]);
    }
  });

  it("still read, and the writes refused left the log as it was", async () => {
    const program = Effect.gen(function* () {
      const log = yield* EventLogService;
      const work = yield* AssemblyLineService;
      return { head: yield* log.head, item: (yield* work.get(itemId))?.stage };
    });
    const layer = FactoryService.layer({ dir, readOnly: true, events: [NoteAdded] });
    const before = await Effect.runPromise(Effect.provide(program, layer));
    await readOnlyOutcome(
      Effect.gen(function* () {
        const work = yield* AssemblyLineService;
        return yield* work.advance(itemId);
      }),
    );
    expect(await Effect.runPromise(Effect.provide(program, layer))).toEqual(before);
    expect(before.item).toBe("intake");
  });
});
