import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClockService,
  createMemoryEventStore,
  EventLogService,
  EventStoreService,
  manualClock,
} from "@software-factory/core";
import { Effect, Layer } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NoteAdded } from "./contract/eventStoreContract.js";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "event-log-service-context-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const appendNote = Effect.gen(function* () {
  const log = yield* EventLogService;
  const [stored] = yield* log.append({ type: NoteAdded.type, subject: "notes", data: { text: "hello" } });
  return { at: stored?.at, store: log.log.storeKind };
});

describe("EventLogService.layer over the services of its context", () => {
  it("stamps events with the ClockService and keeps them in the EventStoreService when its options give neither", async () => {
    const services = Layer.mergeAll(
      Layer.succeed(ClockService, manualClock("2026-01-01T00:00:00Z")),
      Layer.sync(EventStoreService, createMemoryEventStore),
    );
    const layer = EventLogService.layer({ events: [NoteAdded] }).pipe(Layer.provide(services));

    const seen = await Effect.runPromise(Effect.provide(appendNote, layer));

    expect(seen).toEqual({ at: "2026-01-01T00:00:00.000Z", store: "memory" });
  });

  it("keeps the SQLite file of a path given in its options, over the EventStoreService", async () => {
    const path = join(dir, "factory.db");
    const layer = EventLogService.layer({ path, events: [NoteAdded] }).pipe(
      Layer.provide(Layer.sync(EventStoreService, createMemoryEventStore)),
    );

    const seen = await Effect.runPromise(Effect.provide(appendNote, layer));

    expect(seen.store).toBe("sqlite");
    expect(existsSync(path)).toBe(true);
  });
});
