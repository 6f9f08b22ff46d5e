/**
 * `KnowledgeBase.list` cancelled through the public API (its `signal`, or the
 * Effect face's interruption) while it embeds the chunks another process
 * captured: it ends with the signal's reason, the embedder's call gets the
 * abort, and the next listing embeds them.
 *
 * The embedder here holds each call, while `holding`, until its signal aborts;
 * it refuses a call made without a signal.
 */
import { join } from "node:path";
import { createHashingEmbedder, KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect, Exit, Fiber } from "effect";
import { describe, expect, it } from "vitest";
import { heldEmbedder } from "./fixtures/heldEmbedder.js";
import { paymentRetries as retries } from "./fixtures/retriesNote.js";
import { knowledgeServiceLayer, readerBehind, useSharedLog } from "./fixtures/sharedLog.js";

const shared = useSharedLog("knowledge-cancelled-list-");
const { open } = shared;

describe("a listing given a signal", () => {
  it("cancelled while chunks another process captured are embedded, aborts that embedding; the next listing has the document", async () => {
    const { reader, embedder, note } = await readerBehind(shared);
    const cancel = new AbortController();
    const started = embedder.started();

    const listing = reader.list({ lines: ["checkout"], signal: cancel.signal });
    expect((await started).join("\n")).toContain("three times");
    cancel.abort("the client cancelled the call");

    await expect(listing).rejects.toBe("the client cancelled the call");
    expect(embedder.aborts).toEqual(["the client cancelled the call"]);
    embedder.holding = false;
    expect((await reader.list({ lines: ["checkout"] })).map((document) => document.id)).toEqual([note.id]);
    const found = await reader.search("card payment retries", { mode: "vector" });
    expect(found.hits.map((hit) => hit.document.id)).toEqual([note.id]);
  });

  it("does nothing when its signal has already aborted, and refuses a signal that is no AbortSignal", async () => {
    const writer = await open(createHashingEmbedder());
    const embedder = heldEmbedder();
    const reader = await open(embedder);
    await writer.capture(retries);
    embedder.holding = true;
    const reason = new Error("the user went away");

    await expect(reader.list({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(embedder.aborts).toEqual([]);
    await expect(reader.list({ signal: "stop" as unknown as AbortSignal })).rejects.toThrow(
      /signal.*must be an AbortSignal/,
    );
  });
});

describe("KnowledgeBaseService's list", () => {
  it("aborts the embedder's call when its fiber is interrupted, and is interrupted when its signal aborts", async () => {
    const embedder = heldEmbedder();
    const cancel = new AbortController();
    const writer = await open(createHashingEmbedder());
    const program = Effect.gen(function* () {
      const knowledge = yield* KnowledgeBaseService;
      yield* knowledge.sync;
      yield* Effect.promise(() => writer.capture(retries));
      embedder.holding = true;
      const firstStarted = embedder.started();
      const first = yield* Effect.forkChild(knowledge.list());
      yield* Effect.promise(() => firstStarted);
      yield* Fiber.interrupt(first);

      const secondStarted = embedder.started();
      const second = yield* Effect.forkChild(knowledge.list({ signal: cancel.signal }));
      yield* Effect.promise(() => secondStarted);
      cancel.abort();
      const exit = yield* Fiber.await(second);
      return { exit };
    });
    const layer = knowledgeServiceLayer(join(shared.dir, "factory.db"), embedder);

    const seen = await Effect.runPromise(Effect.provide(program, layer));

    // The interrupted listing's call was aborted (the second could not start its own before), then the second's.
    expect(Exit.hasInterrupts(seen.exit)).toBe(true);
    expect(embedder.aborts).toHaveLength(2);
    expect((embedder.aborts[0] as Error).name).toBe("AbortError");
    expect(embedder.aborts[1]).toBe(cancel.signal.reason);
  });
});
