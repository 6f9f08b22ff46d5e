/**
 * A search cancelled through the public API (its `signal`, or the Effect
 * face's interruption) ends with the signal's reason, and the embedder it was
 * waiting on gets the abort; a capture whose embedding a cancelled search was
 * waiting on is not cancelled with it and stores the document whole.
 *
 * The embedder here holds each call until its signal aborts (or the test
 * releases it), so every cancellation arrives while an embed call is under
 * way; it refuses a call made without a signal.
 */
import { join } from "node:path";
import { KnowledgeBaseService } from "@software-factory/knowledge";
import { Effect, Exit, Fiber } from "effect";
import { describe, expect, it } from "vitest";
import { heldEmbedder } from "./fixtures/heldEmbedder.js";
import { paymentRetries as retries } from "./fixtures/retriesNote.js";
import { knowledgeServiceLayer, readerBehind, useSharedLog } from "./fixtures/sharedLog.js";

const shared = useSharedLog("knowledge-cancelled-search-");
const { open } = shared;

describe("a search given a signal", () => {
  it("rejects with the signal's reason when it aborts while the query is embedded, and the embedder sees the abort", async () => {
    const embedder = heldEmbedder();
    const kb = await open(embedder);
    const note = await kb.capture(retries);
    embedder.holding = true;
    const cancel = new AbortController();
    const started = embedder.started();

    const searching = kb.search("card payment retries", { signal: cancel.signal });
    expect(await started).toEqual(["card payment retries"]);
    cancel.abort();

    await expect(searching).rejects.toBe(cancel.signal.reason);
    expect((cancel.signal.reason as Error).name).toBe("AbortError");
    expect(embedder.aborts).toEqual([cancel.signal.reason]);
    embedder.holding = false;
    const next = await kb.search("card payment retries", { mode: "vector" });
    expect(next.hits.map((hit) => hit.document.id)).toEqual([note.id]);
    expect(next.warning).toBeUndefined();
  });

  it("does nothing when its signal has already aborted: it rejects with the reason and embeds nothing", async () => {
    const embedder = heldEmbedder();
    const kb = await open(embedder);
    embedder.holding = true;
    const reason = new Error("the user went away");

    await expect(kb.search("card payment", { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(embedder.aborts).toEqual([]);
    await expect(kb.search("card payment", { signal: "stop" as unknown as AbortSignal })).rejects.toThrow(
      /signal.*must be an AbortSignal/,
    );
  });

  it("cancelled while chunks another process captured are embedded, aborts that embedding; the next search embeds them", async () => {
    const { reader, embedder, note } = await readerBehind(shared);
    const cancel = new AbortController();
    const started = embedder.started();

    const searching = reader.search("card payment retries", { signal: cancel.signal });
    expect((await started).join("\n")).toContain("three times");
    cancel.abort("the client cancelled the call");

    await expect(searching).rejects.toBe("the client cancelled the call");
    expect(embedder.aborts).toEqual(["the client cancelled the call"]);
    embedder.holding = false;
    const next = await reader.search("card payment retries", { mode: "vector" });
    expect(next.hits.map((hit) => hit.document.id)).toEqual([note.id]);
    expect(next.warning).toBeUndefined();
  });

  it("cancelled while waiting on a capture's embedding stops waiting; the capture's embedding goes on and stores the document whole", async () => {
    const embedder = heldEmbedder();
    const kb = await open(embedder);
    embedder.holding = true;
    const started = embedder.started();
    const capturing = kb.capture(retries);
    await started;
    const cancel = new AbortController();

    const searching = kb.search("card payment retries", { signal: cancel.signal });
    cancel.abort();

    await expect(searching).rejects.toBe(cancel.signal.reason);
    expect(embedder.aborts).toEqual([]);
    embedder.release();
    const note = await capturing;
    const found = await kb.search("card payment retries", { mode: "vector" });
    expect(found.hits.map((hit) => hit.document.id)).toEqual([note.id]);
    expect(found.warning).toBeUndefined();
  });
});

describe("KnowledgeBaseService's search", () => {
  it("aborts the embedder's call when its fiber is interrupted; a capture interrupted during its embedding is stored whole", async () => {
    const embedder = heldEmbedder();
    const program = Effect.gen(function* () {
      const knowledge = yield* KnowledgeBaseService;
      yield* knowledge.capture(retries);
      embedder.holding = true;
      const searchStarted = embedder.started();
      const searching = yield* Effect.forkChild(knowledge.search("card payment retries"));
      yield* Effect.promise(() => searchStarted);
      yield* Fiber.interrupt(searching);
      const searchAborts = embedder.aborts.length;

      // A capture is a write: interrupting it waits until it has landed, its vectors too.
      const captureStarted = embedder.started();
      const capturing = yield* Effect.forkChild(
        knowledge.capture({ ...retries, title: "Refund retries", body: "Refunds are retried once." }),
      );
      yield* Effect.promise(() => captureStarted);
      const interrupting = yield* Effect.forkChild(Fiber.interrupt(capturing));
      embedder.release();
      yield* Fiber.join(interrupting);
      const { hits } = yield* knowledge.search("refunds retried", { mode: "vector" });
      return { searchAborts, captureAborts: embedder.aborts.length - searchAborts, hits };
    });
    const layer = knowledgeServiceLayer(join(shared.dir, "service.db"), embedder);

    const seen = await Effect.runPromise(Effect.provide(program, layer));

    expect(seen.searchAborts).toBe(1);
    expect(seen.captureAborts).toBe(0);
    expect(seen.hits[0]?.document.title).toBe("Refund retries");
  });

  it("is interrupted, not failed with a defect, when the signal in its options aborts", async () => {
    const embedder = heldEmbedder();
    const cancel = new AbortController();
    const program = Effect.gen(function* () {
      const knowledge = yield* KnowledgeBaseService;
      embedder.holding = true;
      const started = embedder.started();
      const searching = yield* Effect.forkChild(knowledge.search("card payment", { signal: cancel.signal }));
      yield* Effect.promise(() => started);
      cancel.abort();
      return yield* Fiber.await(searching);
    });
    const layer = knowledgeServiceLayer(join(shared.dir, "service.db"), embedder);

    const exit = await Effect.runPromise(Effect.provide(program, layer));

    expect(Exit.hasInterrupts(exit)).toBe(true);
    expect(embedder.aborts).toEqual([cancel.signal.reason]);
  });
});
