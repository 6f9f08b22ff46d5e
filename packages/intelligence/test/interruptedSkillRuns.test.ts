/**
 * `IntelligenceService.runSkill` from Effect code: interrupting it (a timeout,
 * `Fiber.interrupt`) cancels the run as a signal does, and a run cancelled by
 * the caller's own signal fails with a typed `SkillFailedError`.
 */
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
import { effectNeverEnds as effectNeverEndsSkill } from "./fixtures/effectNeverEnds.js";
import { waitsFirstTime } from "./fixtures/waitsFirstTime.js";

let dir: string;
/** What the skills below did, in order. */
let steps: string[];
/** Called once the running handler has started. */
let markStarted: () => void;

/** Waits on its signal, then cleans up; it never ends by itself. */
const waitsOnSignal = defineFactorySkill({
  name: "waits-on-signal",
  description: "Waits until its run is cancelled",
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  run: async (_input, { signal }) => {
    steps.push("started");
    markStarted();
    try {
      await new Promise<void>((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
      return { done: true };
    } finally {
      steps.push("cleaned up");
    }
  },
});

/** An Effect that never ends by itself, with a finalizer. */
const effectNeverEnds = effectNeverEndsSkill(
  (step) => steps.push(step),
  () => markStarted(),
);

/** The skills of the factory: `waits-first-time` counts its runs, so each test gets its own. */
let skills: ReturnType<typeof defineFactorySkill>[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "interrupted-skill-runs-"));
  steps = [];
  markStarted = () => undefined;
  const firstWaits = waitsFirstTime(
    (step) => steps.push(step),
    () => markStarted(),
  );
  skills = [waitsOnSignal, effectNeverEnds, firstWaits];
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a program over `FactoryService.layer` (whose close waits for runs under way). */
function runInFactory<A, E>(program: Effect.Effect<A, E, IntelligenceService>): Promise<A> {
  return Effect.runPromise(Effect.provide(program, FactoryService.layer({ dir, skills })));
}

/** The `skill.ran` events the factory recorded, as their data. */
async function recordedRuns(): Promise<Record<string, unknown>[]> {
  const factory = await openFactory({ dir, skills });
  const events = await factory.log.read({ types: ["skill.ran"] });
  await factory.close();
  return events.map((event) => event.data as Record<string, unknown>);
}

describe("IntelligenceService.runSkill interrupted", () => {
  it("stops a handler waiting on its signal when Effect.timeout interrupts it, and records the run as cancelled", async () => {
    const timedOut = await runInFactory(
      Effect.gen(function* () {
        const intelligence = yield* IntelligenceService;
        return yield* intelligence
          .runSkill("waits-on-signal", {})
          .pipe(Effect.timeout("1 second"), Effect.flip);
      }),
    );

    expect(timedOut._tag).toBe("TimeoutError");
    expect(steps).toEqual(["started", "cleaned up"]);
    expect(await recordedRuns()).toEqual([expect.objectContaining({ outcome: "failed", cancelled: true })]);
  });

  it("interrupts an Effect handler when its fiber is interrupted, running its finalizer", async () => {
    await runInFactory(
      Effect.gen(function* () {
        const intelligence = yield* IntelligenceService;
        const started = yield* Deferred.make<void>();
        markStarted = () => Deferred.doneUnsafe(started, Effect.void);
        const run = yield* Effect.forkChild(intelligence.runSkill("effect-never-ends", {}));
        yield* Deferred.await(started);
        yield* Fiber.interrupt(run);
      }),
    );

    expect(steps).toEqual(["started", "finalizer ran"]);
    expect(await recordedRuns()).toEqual([expect.objectContaining({ outcome: "failed", cancelled: true })]);
  });

  it("fails with a SkillFailedError, not a defect, when the caller's signal cancels the run", async () => {
    const controller = new AbortController();
    markStarted = () => controller.abort("the caller left");
    const error = await runInFactory(
      Effect.gen(function* () {
        const intelligence = yield* IntelligenceService;
        return yield* intelligence
          .runSkill("waits-on-signal", {}, { signal: controller.signal })
          .pipe(Effect.flip);
      }),
    );

    expect(error).toMatchObject({
      _tag: "SkillFailedError",
      skill: "waits-on-signal",
      cause: "the caller left",
      message: "skill waits-on-signal cancelled: the caller left",
    });
    expect(steps).toEqual(["started", "cleaned up"]);
    expect(await recordedRuns()).toEqual([expect.objectContaining({ outcome: "failed", cancelled: true })]);
  });

  /**
   * Starts a keyed run of `waits-first-time` that the returned `cancel`
   * cancels, and a retry with the key that joins it while it waits.
   */
  const firstAndRetry = (cancelWith: "signal" | "interruption") =>
    Effect.gen(function* () {
      const intelligence = yield* IntelligenceService;
      const started = yield* Deferred.make<void>();
      markStarted = () => Deferred.doneUnsafe(started, Effect.void);
      const controller = new AbortController();
      const key = { idempotencyKey: "ticket-1" };
      const first = yield* Effect.forkChild(
        intelligence.runSkill("waits-first-time", {}, { ...key, signal: controller.signal }),
      );
      yield* Deferred.await(started);
      // Started at once, so the retry has joined the first run before it is cancelled.
      const retry = yield* Effect.forkChild(intelligence.runSkill("waits-first-time", {}, key), {
        startImmediately: true,
      });
      if (cancelWith === "signal") controller.abort("the first caller left");
      else yield* Fiber.interrupt(first);
      return { first, retry };
    });

  it("gives a retry that joined a run cancelled by its caller's signal a run of its own, not a defect", async () => {
    const { first, retried } = await runInFactory(
      Effect.gen(function* () {
        const { first, retry } = yield* firstAndRetry("signal");
        return { first: yield* Effect.flip(Fiber.join(first)), retried: yield* Fiber.join(retry) };
      }),
    );

    expect(first).toMatchObject({ _tag: "SkillFailedError", cause: "the first caller left" });
    expect(retried).toMatchObject({ skill: "waits-first-time", output: { run: 2 } });
    expect(steps).toEqual(["started", "started"]);
    expect(await recordedRuns()).toEqual([
      expect.objectContaining({ outcome: "failed", cancelled: true, idempotencyKey: "ticket-1" }),
      expect.objectContaining({ outcome: "ok", output: { run: 2 }, idempotencyKey: "ticket-1" }),
    ]);
  });

  it("gives a retry that joined a run whose fiber was interrupted a run of its own, not a defect", async () => {
    const retried = await runInFactory(
      Effect.gen(function* () {
        const { retry } = yield* firstAndRetry("interruption");
        return yield* Fiber.join(retry);
      }),
    );

    expect(retried).toMatchObject({ skill: "waits-first-time", output: { run: 2 } });
    expect(steps).toEqual(["started", "started"]);
    expect(await recordedRuns()).toEqual([
      expect.objectContaining({ outcome: "failed", cancelled: true, idempotencyKey: "ticket-1" }),
      expect.objectContaining({ outcome: "ok", output: { run: 2 }, idempotencyKey: "ticket-1" }),
    ]);
  });
});
