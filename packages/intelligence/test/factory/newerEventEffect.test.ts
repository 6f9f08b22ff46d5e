/**
 * A factory folder into whose log a newer SDK appended an event stored at a
 * newer version of its type than this code defines, met through the
 * factory's Effect services: a typed `EventVersionError` in the error channel
 * (opening the layer, and each part's service that folds the log), not a
 * defect.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventVersionError } from "@software-factory/core";
import { FloorPlanService } from "@software-factory/floorplan";
import {
  FactoryService,
  type FactoryServices,
  IntelligenceService,
  openFactory,
} from "@software-factory/intelligence";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import { Cause, Effect, Exit } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendNewerEvent, NEWER_LINE, NEWER_NOTE } from "../../../core/test/fixtures/newerEvent.js";

let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-newer-event-"));
  const factory = await openFactory({ dir });
  try {
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", description: "Cart and payment", owner: "ana", paths: ["/src/checkout/"] }],
    });
  } finally {
    await factory.close();
  }
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const newerLine = () => appendNewerEvent(join(dir, "factory.db"), NEWER_LINE);
const newerNote = () => appendNewerEvent(join(dir, "factory.db"), NEWER_NOTE);

function expectNewerEvent(exit: Exit.Exit<unknown, unknown>, type: string): void {
  const error = Exit.isFailure(exit) ? exit.cause.reasons.find(Cause.isFailReason)?.error : undefined;
  expect(error).toBeInstanceOf(EventVersionError);
  expect(error).toMatchObject({ type, version: 9, code: "E_EVENT_VERSION" });
}

/** Runs `program` over `FactoryService.layer` of the folder, with the newer event appended once the factory is open. */
function afterNewerEvent<A, E>(
  append: () => Promise<void>,
  program: Effect.Effect<A, E, FactoryServices>,
): Promise<Exit.Exit<A, unknown>> {
  const run = Effect.gen(function* () {
    yield* Effect.promise(append);
    return yield* program;
  });
  return Effect.runPromiseExit(Effect.provide(run, FactoryService.layer({ dir, automations: [] })));
}

describe("the factory's Effect services over a log holding a newer event", () => {
  it("fail opening the layer with the EventVersionError, typed", async () => {
    await newerLine();
    const exit = await Effect.runPromiseExit(
      Effect.provide(
        Effect.gen(function* () {
          return yield* (yield* FloorPlanService).lines;
        }),
        FactoryService.layer({ dir }),
      ),
    );
    expectNewerEvent(exit, "floorplan.line.declared");
  });

  it("fail the floor plan service's refresh and writes with it", async () => {
    const refreshed = Effect.gen(function* () {
      return yield* (yield* FloorPlanService).refresh;
    });
    expectNewerEvent(await afterNewerEvent(newerLine, refreshed), "floorplan.line.declared");
    const declared = Effect.gen(function* () {
      return yield* (yield* FloorPlanService).declareLine({ id: "payments", owner: "ana" });
    });
    expectNewerEvent(await afterNewerEvent(newerLine, declared), "floorplan.line.declared");
  });

  it("fail the knowledge base service's reads with it", async () => {
    const listed = Effect.gen(function* () {
      return yield* (yield* KnowledgeBaseService).list();
    });
    expectNewerEvent(await afterNewerEvent(newerNote, listed), "knowledge.document.captured");
  });

  it("fail the intelligence service's operations that read the knowledge base with it", async () => {
    const routed = Effect.gen(function* () {
      return yield* (yield* IntelligenceService).context({ line: "checkout" });
    });
    expectNewerEvent(await afterNewerEvent(newerNote, routed), "knowledge.document.captured");
  });
});
