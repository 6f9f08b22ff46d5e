import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClockService, EventLogService, manualClock } from "@software-factory/core";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect, Layer } from "effect";
import { TestClock } from "effect/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "knowledge-service-test-clock-"));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Captures a note at 2026-01-01 by the TestClock, revises it an hour later: its times and its events' stamps. */
const captureThenRevise = Effect.gen(function* () {
  const knowledge = yield* KnowledgeBaseService;
  const log = yield* EventLogService;
  yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"));
  const captured = yield* knowledge.capture({
    kind: "note",
    title: "Retries",
    body: "We retry payments twice.",
    source: { system: "docs" },
  });
  yield* TestClock.adjust("1 hour");
  const { document } = yield* knowledge.revise(captured.id, { body: "We retry payments three times." });
  const stamps = (yield* log.read()).map((event) => event.at);
  return { createdAt: document.createdAt, updatedAt: document.updatedAt, stamps };
});

const knowledgeLayer = (clock?: Layer.Layer<ClockService>) => {
  const logLayer = EventLogService.layer({ path: join(dir, "factory.db") });
  return KnowledgeBaseService.layer({ dir: join(dir, "cache") }).pipe(
    Layer.provideMerge(clock === undefined ? logLayer : logLayer.pipe(Layer.provide(clock))),
    Layer.provideMerge(TestClock.layer()),
  );
};

describe("KnowledgeBaseService.layer under Effect's TestClock", () => {
  it("stamps a capture with the TestClock's time, and a revision after adjust with the moved time", async () => {
    const seen = await Effect.runPromise(Effect.provide(captureThenRevise, knowledgeLayer()));

    expect(seen.createdAt).toBe("2026-01-01T00:00:00.000Z");
    expect(seen.updatedAt).toBe("2026-01-01T01:00:00.000Z");
    expect(new Set(seen.stamps)).toEqual(new Set(["2026-01-01T00:00:00.000Z", "2026-01-01T01:00:00.000Z"]));
  });

  it("stamps with a ClockService of the context over the TestClock", async () => {
    const clock = Layer.succeed(ClockService, manualClock("2030-06-01T12:00:00Z"));

    const seen = await Effect.runPromise(Effect.provide(captureThenRevise, knowledgeLayer(clock)));

    expect(seen.createdAt).toBe("2030-06-01T12:00:00.000Z");
    expect(seen.updatedAt).toBe("2030-06-01T12:00:00.000Z");
    expect(new Set(seen.stamps)).toEqual(new Set(["2030-06-01T12:00:00.000Z"]));
  });
});
