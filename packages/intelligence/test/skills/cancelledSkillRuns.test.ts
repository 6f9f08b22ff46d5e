/**
 * `skills.run(name, input, { signal })`: a run cancelled before it starts runs
 * nothing; a Promise handler gets the signal and stops on it; an Effect
 * handler is interrupted (its finalizer runs); each cancelled run rejects
 * with the signal's reason, is recorded as failed and cancelled, and releases
 * its idempotency key.
 */
import { defineFactorySkill, type Factory } from "@software-factory/intelligence";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { effectNeverEnds as effectNeverEndsSkill } from "../fixtures/effectNeverEnds.js";
import { useTempFactories } from "../fixtures/tempFactories.js";
import { waitsFirstTime } from "../fixtures/waitsFirstTime.js";

const { folder, open } = useTempFactories();
let factory: Factory;
/** What the skills below did, in order. */
let steps: string[];
/** Resolves once the running handler has started. */
let started: Promise<void>;
let markStarted: () => void;

/** Waits on its signal, then (only if not cancelled by then) says it finished. */
const waitsOnSignal = defineFactorySkill({
  name: "waits-on-signal",
  description: "Waits until its run is cancelled",
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  run: async (_input, { signal }) => {
    steps.push("started");
    markStarted();
    await new Promise<void>((_resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    steps.push("finished");
    return { done: true };
  },
});

/** An Effect that never ends by itself, with a finalizer. */
const effectNeverEnds = effectNeverEndsSkill(
  (step) => steps.push(step),
  () => markStarted(),
);

beforeEach(async () => {
  const firstWaits = waitsFirstTime(
    (step) => steps.push(step),
    () => markStarted(),
  );
  factory = await open({
    dir: folder("cancelled-skill-runs-"),
    skills: [waitsOnSignal, effectNeverEnds, firstWaits],
  });
  steps = [];
  awaitNextStart();
});

/** Makes {@link started} a new promise, resolved when the next handler starts. */
function awaitNextStart(): void {
  started = new Promise((resolve) => {
    markStarted = resolve;
  });
}

/** Matches the data of a run recorded as failed and cancelled with `error`. */
const cancelledRun = (error: string) =>
  expect.objectContaining({ outcome: "failed", cancelled: true, error });

/** Runs `skill` with a signal aborted (with `reason`) once its handler started; what the run rejected with, or "resolved". */
async function abortedOnceStarted(skill: string, reason?: unknown): Promise<unknown> {
  const controller = new AbortController();
  const settled = factory.skills.run(skill, {}, { signal: controller.signal }).then(
    () => "resolved",
    (error: unknown) => error,
  );
  await started;
  controller.abort(reason);
  return settled;
}

/** The `skill.ran` events recorded so far, as their data. */
async function recordedRuns(): Promise<Record<string, unknown>[]> {
  const events = await factory.log.read({ types: ["skill.ran"] });
  return events.map((event) => event.data as Record<string, unknown>);
}

describe("skills.run with a signal", () => {
  it("stops a Promise handler that waits on its signal, rejects with the signal's reason and records the run as cancelled", async () => {
    const error = await abortedOnceStarted("waits-on-signal");
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(steps).toEqual(["started"]);
    expect(await recordedRuns()).toEqual([cancelledRun("cancelled: This operation was aborted")]);
  });

  it("interrupts an Effect handler, running its finalizer", async () => {
    expect(await abortedOnceStarted("effect-never-ends", "the caller left")).toBe("the caller left");
    expect(steps).toEqual(["started", "finalizer ran"]);
    expect(await recordedRuns()).toEqual([cancelledRun("cancelled: the caller left")]);
  });

  it("runs nothing for a signal aborted before the run, and records it as cancelled", async () => {
    const reason = new Error("cancelled by the user");

    await expect(
      factory.skills.run("waits-on-signal", {}, { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);

    expect(steps).toEqual([]);
    expect(await recordedRuns()).toEqual([cancelledRun("cancelled: cancelled by the user")]);
  });

  it("releases the idempotency key of a cancelled run, so a retry with it runs", async () => {
    const controller = new AbortController();
    const options = { idempotencyKey: "ticket-1", signal: controller.signal };
    const first = factory.skills.run("effect-never-ends", {}, options).catch((error: unknown) => error);
    await started;
    controller.abort("first try cancelled");
    expect(await first).toBe("first try cancelled");

    const retry = new AbortController();
    awaitNextStart();
    const second = factory.skills
      .run("effect-never-ends", {}, { idempotencyKey: "ticket-1", signal: retry.signal })
      .catch((error: unknown) => error);
    await started;
    retry.abort("second try cancelled");

    expect(await second).toBe("second try cancelled");
    expect(steps).toEqual(["started", "finalizer ran", "started", "finalizer ran"]);
  });

  it("gives a retry that was waiting on a run its caller cancelled a run of its own, not that caller's reason", async () => {
    const controller = new AbortController();
    const key = { idempotencyKey: "ticket-1" };
    const first = factory.skills
      .run("waits-first-time", {}, { ...key, signal: controller.signal })
      .catch((error: unknown) => error);
    await started;
    const retry = factory.skills.run("waits-first-time", {}, key);
    controller.abort("the first caller left");

    expect(await first).toBe("the first caller left");
    expect(await retry).toMatchObject({ skill: "waits-first-time", output: { run: 2 } });
    expect(steps).toEqual(["started", "started"]);
    const claims = await factory.log.read({ types: ["skill.started"] });
    expect(await recordedRuns()).toEqual([
      expect.objectContaining({ outcome: "failed", cancelled: true, ...key, claim: claims[0]?.seq }),
      expect.objectContaining({ outcome: "ok", output: { run: 2 }, ...key, claim: claims[1]?.seq }),
    ]);
  });

  it("stops a retry waiting on a run under way when the retry's own signal aborts, leaving that run to its caller", async () => {
    const controller = new AbortController();
    const key = { idempotencyKey: "ticket-1" };
    const first = factory.skills
      .run("waits-first-time", {}, { ...key, signal: controller.signal })
      .catch((error: unknown) => error);
    await started;
    const leaving = new AbortController();
    const retry = factory.skills
      .run("waits-first-time", {}, { ...key, signal: leaving.signal })
      .catch((error: unknown) => error);
    leaving.abort("the retry left");
    controller.abort("the first caller left");

    expect(await retry).toBe("the retry left");
    expect(await first).toBe("the first caller left");
    expect(steps).toEqual(["started"]);
    const runs = await recordedRuns();
    expect(runs).toHaveLength(2);
    expect(runs).toContainEqual(cancelledRun("cancelled: the retry left"));
    expect(runs.find((run) => run.error === "cancelled: the retry left")).not.toHaveProperty(
      "idempotencyKey",
    );
    expect(runs).toContainEqual(
      expect.objectContaining({ ...key, cancelled: true, error: "cancelled: the first caller left" }),
    );
  });

  it("refuses a signal that is not an AbortSignal, naming the option", async () => {
    await expect(
      factory.skills.run("waits-on-signal", {}, { signal: "stop" as unknown as AbortSignal }),
    ).rejects.toThrow(/signal.*must be an AbortSignal/);
    expect(steps).toEqual([]);
  });
});
