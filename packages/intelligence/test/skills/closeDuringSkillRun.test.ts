/**
 * `factory.close()` while a skill runs: the run is cancelled, and the close
 * waits until it has recorded its outcome, so nothing it wrote is cut off and
 * its `skill.ran` event lands; a run started after the close is refused.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClosedError } from "@software-factory/core";
import { defineFactorySkill, openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

let dir: string;
/** Resolves once the running handler has started. */
let started: Promise<void>;
let markStarted: () => void;
/** Lets the handler that ignores its signal go on. */
let release: () => void;

/** Captures a note, waits on its signal, then captures another. */
const heedsSignal = defineFactorySkill({
  name: "heeds-signal",
  description: "Writes, then waits until its run is cancelled",
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  run: async (_input, { services, signal }) => {
    await services.knowledge.capture({
      kind: "note",
      title: "Before",
      body: "b",
      source: { system: "test" },
    });
    markStarted();
    await new Promise<void>((_resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    return { done: true };
  },
});

/** Ignores its signal: waits to be released, then writes. */
const ignoresSignal = defineFactorySkill({
  name: "ignores-signal",
  description: "Waits to be released, then writes",
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  run: async (_input, { services }) => {
    markStarted();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    await services.knowledge.capture({ kind: "note", title: "After", body: "b", source: { system: "test" } });
    return { done: true };
  },
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "close-during-skill-run-"));
  started = new Promise((resolve) => {
    markStarted = resolve;
  });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What the factory's log holds after a reopen: the `skill.ran` events' data and the notes' titles. */
async function reopened(): Promise<{ runs: Record<string, unknown>[]; notes: string[] }> {
  const factory = await openFactory({ dir });
  try {
    const runs = await factory.log.read({ types: ["skill.ran"] });
    const notes = await factory.log.read({ types: ["knowledge.document.captured"] });
    return {
      runs: runs.map((event) => event.data as Record<string, unknown>),
      notes: notes.map((event) => (event.data as { title: string }).title),
    };
  } finally {
    await factory.close();
  }
}

describe("factory.close() while a skill runs", () => {
  it("cancels a handler that heeds its signal and waits until the run is recorded as cancelled", async () => {
    const factory = await openFactory({ dir, skills: [heedsSignal] });
    const running = factory.skills.run("heeds-signal", {});
    const settled = running.then(
      () => "resolved",
      (error: unknown) => error,
    );
    await started;
    await factory.close();
    const error = await settled;
    expect(error).toBeInstanceOf(ClosedError);
    expect((error as ClosedError).message).toContain("a run under way was cancelled");
    const { runs, notes } = await reopened();
    expect(notes).toEqual(["Before"]);
    expect(runs).toEqual([
      expect.objectContaining({
        outcome: "failed",
        cancelled: true,
        error: expect.stringContaining("cancelled:"),
      }),
    ]);
  });

  it("waits for a handler that ignores its signal, so its writes and its run land whole", async () => {
    const factory = await openFactory({ dir, skills: [ignoresSignal] });
    const running = factory.skills.run("ignores-signal", {});
    await started;
    const closed = factory.close();
    release();
    await closed;
    await expect(running).resolves.toMatchObject({ output: { done: true } });
    const { runs, notes } = await reopened();
    expect(notes).toEqual(["After"]);
    expect(runs).toEqual([expect.objectContaining({ outcome: "ok" })]);
  });

  it("refuses a run started after the close with a ClosedError, recording nothing", async () => {
    const factory = await openFactory({ dir, skills: [heedsSignal] });
    await factory.close();
    await expect(factory.skills.run("heeds-signal", {})).rejects.toBeInstanceOf(ClosedError);
    expect((await reopened()).runs).toEqual([]);
  });
});
