/**
 * Fitting a context pack counts each document it weighs alone, not with the
 * documents the pack kept before it: a line with many long documents is
 * packed into 8,000 tokens while tokenizing a few times the pack's size
 * (the documents kept first were counted again with every later candidate:
 * some 90 times the pack's size on a line of 267 documents), and the
 * documents it keeps in full fill their share of the budget.
 */
import {
  contextPackMarkdown,
  type Factory,
  loadTokenCounter,
  type TokenCounter,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

/** A sentence of the checkout's notes, the `n`th. */
const sentence = (n: number) =>
  `Card retries on the checkout wait ${n} seconds before the provider is asked again, and a refund of order ${n} is kept apart.`;

/** A factory whose counter adds up the characters it tokenizes, with a checkout line holding 120 notes of about 1,200 characters. */
async function countedLine(): Promise<{ factory: Factory; tokenized: () => number }> {
  const real = await loadTokenCounter();
  let characters = 0;
  const tokenCounter: TokenCounter = {
    name: real.name,
    count: (text) => {
      characters += text.length;
      return real.count(text);
    },
  };
  const factory = await open({ dir: folder("factory-pack-counting-"), tokenCounter });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "checkout", owner: "ana", paths: ["/apps/checkout/"], description: "Card payments" }],
  });
  for (let n = 1; n <= 120; n++)
    await factory.knowledge.capture({
      kind: "note",
      title: `Checkout note ${n}`,
      body: Array.from({ length: 10 }, (_, k) => sentence(n * 10 + k)).join(" "),
      source: { system: "wiki", author: "ana" },
      lines: ["checkout"],
    });
  return {
    factory,
    tokenized: () => {
      const counted = characters;
      characters = 0;
      return counted;
    },
  };
}

describe("fitting a context pack to its budget", () => {
  it("tokenizes a few times the pack's size, and keeps documents in full up to their share", async () => {
    const { factory, tokenized } = await countedLine();
    tokenized();

    const pack = await factory.context({ line: "checkout", budgetTokens: 8000 });
    const counted = tokenized();

    expect(pack.tokens).toBeLessThanOrEqual(8000);
    expect(counted).toBeLessThan(12 * contextPackMarkdown(pack).length);
    // The documents in full take their share of the budget: more than half of it, with references for the rest.
    const inFull = pack.knowledge.reduce((sum, hit) => sum + hit.tokens, 0);
    expect(inFull).toBeGreaterThan(4000);
  });
});
