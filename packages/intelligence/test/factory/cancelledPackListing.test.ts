/**
 * A line's context pack cancelled while it lists the line's documents: when
 * chunks another process captured are still to be embedded after the pack's
 * knowledge search (their embedding failed there, as an embedder down for a
 * moment fails), the listing embeds them, and the pack's `signal` reaches that
 * embedding, so the embedder's call is aborted (not only no longer waited for).
 *
 * The embedder here fails the note's first embedding, then holds the next
 * until its signal aborts; a call made without a signal while it holds is refused.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog } from "@software-factory/core";
import { type Factory, openFactory } from "@software-factory/intelligence";
import {
  createHashingEmbedder,
  type Embedder,
  type EmbedOptions,
  openKnowledgeBase,
} from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let dir: string;
let factory: Factory | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cancelled-pack-listing-"));
});

afterEach(async () => {
  await factory?.close();
  factory = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("a line's context pack given a signal", () => {
  it("aborts the embedding of chunks another process captured that the listing of the line's documents waits on", async () => {
    const hashing = createHashingEmbedder({ dimension: 64 });
    const aborts: unknown[] = [];
    let holding = false;
    /** The first embedding of the note's chunks fails, as an embedder that is down for a moment does; the next is held. */
    let failNext = false;
    let onHeld: (texts: readonly string[]) => void = () => undefined;
    const held = new Promise<readonly string[]>((resolve) => {
      onHeld = resolve;
    });
    const embedder: Embedder = {
      id: "held-hashing/64",
      dimension: 64,
      semantic: true,
      async embed(texts: readonly string[], options?: EmbedOptions) {
        if (!texts.join(" ").includes("gives up")) return hashing.embed(texts);
        if (failNext) {
          failNext = false;
          holding = true;
          throw new Error("the embedder is down for a moment");
        }
        if (!holding) return hashing.embed(texts);
        const signal = options?.signal;
        onHeld(texts);
        if (signal === undefined) throw new Error("the embedder was called without a signal");
        await new Promise<void>((_resolve, reject) => {
          signal.addEventListener(
            "abort",
            () => {
              aborts.push(signal.reason);
              reject(signal.reason);
            },
            { once: true },
          );
        });
        return hashing.embed(texts);
      },
    };
    factory = await openFactory({ dir: join(dir, ".factory"), embedder });
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", name: "Checkout", owner: "ana", description: "card payments and retries" }],
    });
    await factory.knowledge.sync();
    const log = await openEventLog({ path: join(dir, ".factory", "factory.db") });
    const writer = await openKnowledgeBase({ log, embedder: createHashingEmbedder() });
    await writer.capture({
      kind: "note",
      title: "Retry card payments three times",
      body: "The checkout retries a failed card payment three times, then gives up.",
      source: { system: "test" },
      lines: ["checkout"],
    });
    await writer.close();
    await log.close();
    failNext = true;
    const cancel = new AbortController();

    const packing = factory.context({ line: "checkout", budgetTokens: 2000, signal: cancel.signal });
    expect((await held).join(" ")).toContain("gives up");
    cancel.abort("the client cancelled the call");

    await expect(packing).rejects.toBe("the client cancelled the call");
    expect(aborts).toEqual(["the client cancelled the call"]);
    holding = false;
    const next = await factory.context({ line: "checkout", budgetTokens: 2000 });
    expect(next.knowledge.map((hit) => hit.document.title)).toContain("Retry card payments three times");
  });
});
