/**
 * A context pack cancelled through the public API (its request's `signal`, or
 * the Effect face's interruption) ends with the signal's reason, and the
 * embedder its knowledge search was waiting on gets the abort.
 *
 * The embedder here (knowledge's held embedder, the one its cancelled search
 * and listing tests use) holds each call until its signal aborts, so every
 * cancellation arrives while an embed call is under way; it refuses a call
 * made without a signal while it holds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import {
  type Factory,
  FactoryService,
  IntelligenceService,
  openFactory,
} from "@software-factory/intelligence";
import type { Embedder } from "@software-factory/knowledge";
import { Effect, Exit, Fiber } from "effect";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { heldEmbedder } from "../../../knowledge/test/fixtures/heldEmbedder.js";

let dir: string;
const opened: Factory[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cancelled-context-pack-"));
});

afterEach(async () => {
  for (const factory of opened.splice(0)) await factory.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A factory on a SQLite file with the line checkout and a note filed on it, embedded before the embedder holds. */
async function open(embedder: Embedder): Promise<Factory> {
  const factory = await openFactory({ dir: join(dir, ".factory"), embedder });
  opened.push(factory);
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", name: "Checkout", owner: "ana", description: "card payments and retries" }],
  });
  await factory.knowledge.capture({
    kind: "note",
    title: "Payment retries",
    body: "The checkout retries a failed card payment three times.",
    source: { system: "test" },
    lines: ["checkout"],
  });
  await factory.knowledge.sync();
  return factory;
}

describe("a context pack given a signal", () => {
  it("rejects with the signal's reason when it aborts while its question is embedded, and the embedder sees the abort", async () => {
    const embedder = heldEmbedder();
    const factory = await open(embedder);
    embedder.holding = true;
    const cancel = new AbortController();
    const started = embedder.started();

    const packing = factory.context({ question: "how are card payments retried?", signal: cancel.signal });
    expect(await started).toEqual(["how are card payments retried?"]);
    cancel.abort();

    await expect(packing).rejects.toBe(cancel.signal.reason);
    expect((cancel.signal.reason as Error).name).toBe("AbortError");
    expect(embedder.aborts).toEqual([cancel.signal.reason]);
    embedder.holding = false;
    const next = await factory.context({ question: "how are card payments retried?" });
    expect(next.knowledge.map((hit) => hit.document.title)).toEqual(["Payment retries"]);
  });

  it("passes it to the search for a line's pack, which has no question: the lines' words are embedded and aborted", async () => {
    const embedder = heldEmbedder();
    const factory = await open(embedder);
    embedder.holding = true;
    const cancel = new AbortController();
    const started = embedder.started();

    const packing = factory.context({ line: "checkout", budgetTokens: 2000, signal: cancel.signal });
    expect((await started).join(" ")).toContain("card payments and retries");
    cancel.abort("the client cancelled the call");

    await expect(packing).rejects.toBe("the client cancelled the call");
    expect(embedder.aborts).toEqual(["the client cancelled the call"]);
  });

  it("does nothing when its signal has already aborted, and refuses a signal that is no AbortSignal by name", async () => {
    const embedder = heldEmbedder();
    const factory = await open(embedder);
    embedder.holding = true;
    const reason = new Error("the user went away");

    await expect(
      factory.context({ question: "card payment", signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(embedder.aborts).toEqual([]);
    const refused = factory.context({ question: "card payment", signal: "stop" as unknown as AbortSignal });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(/signal: must be an AbortSignal/);
  });
});

describe("IntelligenceService's context", () => {
  it("aborts the embedder's call when its fiber is interrupted, and is interrupted when the request's signal aborts", async () => {
    const embedder = heldEmbedder();
    const cancel = new AbortController();
    const program = Effect.gen(function* () {
      const factory = yield* FactoryService;
      const intelligence = yield* IntelligenceService;
      yield* Effect.promise(async () => {
        await factory.floorplan.applyPlan({
          operators: [{ id: "ana" }],
          lines: [{ id: "checkout", owner: "ana" }],
        });
        await factory.knowledge.sync();
      });
      embedder.holding = true;
      const firstStarted = embedder.started();
      const first = yield* Effect.forkChild(intelligence.context({ question: "card payment retries" }));
      yield* Effect.promise(() => firstStarted);
      yield* Fiber.interrupt(first);
      const interruptAborts = embedder.aborts.length;

      const secondStarted = embedder.started();
      const second = yield* Effect.forkChild(
        intelligence.context({ question: "refund retries", signal: cancel.signal }),
      );
      yield* Effect.promise(() => secondStarted);
      cancel.abort();
      const exit = yield* Fiber.await(second);
      return { interruptAborts, exit };
    });

    const seen = await Effect.runPromise(
      Effect.provide(program, FactoryService.layer({ dir: join(dir, "service"), embedder })),
    );

    expect(seen.interruptAborts).toBe(1);
    expect(Exit.hasInterrupts(seen.exit)).toBe(true);
    expect(embedder.aborts.at(-1)).toBe(cancel.signal.reason);
  });
});
