import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  estimateTokenCounter,
  type Factory,
  loadTiktokenCounter,
  openFactory,
  type TokenCounter,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
const factories: Factory[] = [];
afterEach(async () => {
  for (const factory of factories.splice(0)) await factory.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function factoryWith(tokenCounter?: TokenCounter): Promise<Factory> {
  const dir = mkdtempSync(join(tmpdir(), "factory-tokens-"));
  dirs.push(dir);
  const factory = await openFactory({ dir, durability: "normal", ...(tokenCounter ? { tokenCounter } : {}) });
  factories.push(factory);
  for (let index = 0; index < 30; index++) {
    await factory.knowledge.capture({
      kind: "note",
      title: `Payment retries, note ${index}`,
      body: `Checkout retries a failed payment (\`retryPayment(orderId, { attempts: ${index % 4} })\`) before giving up; see src/checkout/retry_${index}.ts and PAY-${1000 + index}.`,
      source: { system: "test" },
    });
  }
  return factory;
}

const cost = (counter: TokenCounter, hit: { snippet: string; document: { title: string } }) =>
  counter.count(hit.snippet) + counter.count(hit.document.title) + 8;

describe("token counting of context packs", () => {
  it("counts with the estimate by default and never goes over the budget", async () => {
    const factory = await factoryWith();
    const pack = await factory.context({ question: "how are failed payments retried?", budgetTokens: 300 });
    expect(pack.knowledge.length).toBeGreaterThan(0);
    for (const hit of pack.knowledge) expect(hit.tokens).toBe(cost(estimateTokenCounter, hit));
    expect(pack.knowledge.reduce((sum, hit) => sum + hit.tokens, 0)).toBeLessThanOrEqual(300);
  });

  it("counts with a real tokenizer when given one, loading it once", async () => {
    const counter = await loadTiktokenCounter("cl100k_base");
    expect(await loadTiktokenCounter("cl100k_base")).toBe(counter);
    expect(counter.count("hello world")).toBe(2);
    expect(counter.count("<|endoftext|>")).toBeGreaterThan(1);
    const factory = await factoryWith(counter);
    const pack = await factory.context({ question: "how are failed payments retried?", budgetTokens: 300 });
    expect(pack.knowledge.length).toBeGreaterThan(0);
    for (const hit of pack.knowledge) expect(hit.tokens).toBe(cost(counter, hit));
    expect(pack.knowledge.reduce((sum, hit) => sum + hit.tokens, 0)).toBeLessThanOrEqual(300);
  });

  it("lets the counter decide what fits", async () => {
    const byCharacters: TokenCounter = { name: "characters", count: (text) => text.length };
    const estimated = await (await factoryWith()).context({
      question: "failed payment retries",
      budgetTokens: 400,
    });
    const counted = await (await factoryWith(byCharacters)).context({
      question: "failed payment retries",
      budgetTokens: 400,
    });
    expect(counted.knowledge.length).toBeGreaterThan(0);
    expect(counted.knowledge.length).toBeLessThan(estimated.knowledge.length);
    expect(counted.knowledge.reduce((sum, hit) => sum + hit.tokens, 0)).toBeLessThanOrEqual(400);
  });

  it("refuses a budget that is not a positive whole number", async () => {
    const factory = await factoryWith();
    await expect(factory.context({ question: "retries", budgetTokens: 0 })).rejects.toThrow(RangeError);
  });
});
