/**
 * A knowledge event stored at a newer version than this code defines (a
 * newer SDK appended it to the shared log), met by the knowledge base's
 * Effect face: a typed `EventVersionError` in the error channel of every
 * operation that folds the log, as the face's types say, not a defect or a
 * `StoreError` hiding it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLogService, EventVersionError } from "@software-factory/core";
import { Cause, Effect, Exit, Layer } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendNewerEvent, NEWER_NOTE } from "../../core/test/fixtures/newerEvent.js";
import { KnowledgeBaseService } from "../src/index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "knowledge-newer-event-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const dbPath = () => join(dir, "factory.db");
const layer = () =>
  KnowledgeBaseService.layer({ dir: join(dir, "knowledge") }).pipe(
    Layer.provide(EventLogService.layer({ path: dbPath() })),
  );

/** A newer SDK's process appends a `knowledge.document.captured` at version 9 to the shared file. */
const appendNewerNote = () => appendNewerEvent(dbPath(), NEWER_NOTE);

function expectNewerEvent(exit: Exit.Exit<unknown, unknown>): void {
  const error = Exit.isFailure(exit) ? exit.cause.reasons.find(Cause.isFailReason)?.error : undefined;
  expect(error).toBeInstanceOf(EventVersionError);
  expect(error).toMatchObject({ type: "knowledge.document.captured", version: 9, code: "E_EVENT_VERSION" });
}

/** Captures a first note, appends the newer event behind the open knowledge base's back, then runs `operation`. */
function afterNewerEvent<A, E>(
  operation: (kb: KnowledgeBaseService["Service"]) => Effect.Effect<A, E>,
): Promise<Exit.Exit<A, unknown>> {
  const program = Effect.gen(function* () {
    const kb = yield* KnowledgeBaseService;
    yield* kb.capture({
      kind: "note",
      title: "Payments",
      body: "We retry twice.",
      source: { system: "test" },
    });
    yield* Effect.promise(appendNewerNote);
    return yield* operation(kb);
  });
  return Effect.runPromiseExit(Effect.provide(program, layer()));
}

describe("the knowledge base's Effect face over a log holding a newer knowledge event", () => {
  it("fails opening the layer with the EventVersionError, typed", async () => {
    await appendNewerNote();
    const exit = await Effect.runPromiseExit(
      Effect.provide(
        Effect.gen(function* () {
          return yield* (yield* KnowledgeBaseService).list();
        }),
        layer(),
      ),
    );
    expectNewerEvent(exit);
  });

  it("fails sync with it", async () => {
    expectNewerEvent(await afterNewerEvent((kb) => kb.sync));
  });

  it("fails the reads, which fold the log first, with it", async () => {
    expectNewerEvent(await afterNewerEvent((kb) => kb.list()));
    expectNewerEvent(await afterNewerEvent((kb) => kb.search("refunds")));
  });
});
