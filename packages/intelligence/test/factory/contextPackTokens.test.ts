import {
  contextPackMarkdown,
  defineRule,
  estimateTokenCounter,
  type Factory,
  loadTokenCounter,
  type TokenCounter,
} from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

async function factoryWith(tokenCounter?: TokenCounter): Promise<Factory> {
  const factory = await open({
    dir: folder("factory-tokens-"),
    durability: "normal",
    ...(tokenCounter ? { tokenCounter } : {}),
  });
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

describe("token counting of context packs", () => {
  it("counts the whole markdown with the o200k_base tokenizer by default and never goes over the budget", async () => {
    const factory = await factoryWith();
    const o200k = await loadTokenCounter("o200k_base");
    for (const budgetTokens of [60, 300, 1000]) {
      const pack = await factory.context({ question: "how are failed payments retried?", budgetTokens });
      expect(pack.tokenizer).toBe("o200k_base");
      expect(pack.tokens).toBe(o200k.count(contextPackMarkdown(pack)));
      expect(pack.tokens).toBeLessThanOrEqual(budgetTokens);
      // Every hit searched (20, and one more for each 40 tokens of budget, of the 30 notes) is in full, referenced by title, or counted as left out.
      expect(pack.knowledge.length + pack.relatedKnowledge.length + pack.omitted.knowledge).toBe(
        Math.min(30, 20 + Math.ceil(budgetTokens / 40)),
      );
    }
    const small = await factory.context({ question: "how are failed payments retried?", budgetTokens: 300 });
    const large = await factory.context({ question: "how are failed payments retried?", budgetTokens: 1000 });
    expect(small.knowledge.length).toBeGreaterThan(0);
    expect(large.knowledge.length).toBeGreaterThan(small.knowledge.length);
    // Each hit's tokens are what it added to the pack: together with the frame they make the total.
    const frame = o200k.count(contextPackMarkdown({ ...large, knowledge: [] }));
    const added = large.knowledge.reduce((sum, hit) => sum + hit.tokens, 0);
    expect(Math.abs(frame + added - large.tokens)).toBeLessThanOrEqual(large.knowledge.length);
  });

  it("loads each encoding once, and counts special-token text as plain text", async () => {
    const counter = await loadTokenCounter("cl100k_base");
    expect(await loadTokenCounter("cl100k_base")).toBe(counter);
    expect(counter.name).toBe("cl100k_base");
    expect(counter.count("hello world")).toBe(2);
    expect(counter.count("<|endoftext|>")).toBeGreaterThan(1);
  });

  it("lets the counter decide what fits", async () => {
    const byCharacters: TokenCounter = { name: "characters", count: (text) => text.length };
    const estimated = await (await factoryWith(estimateTokenCounter)).context({
      question: "failed payment retries",
      budgetTokens: 1200,
    });
    const counted = await (await factoryWith(byCharacters)).context({
      question: "failed payment retries",
      budgetTokens: 1200,
    });
    expect(estimated.tokenizer).toBe("estimate");
    expect(counted.knowledge.length).toBeGreaterThan(0);
    expect(counted.knowledge.length).toBeLessThan(estimated.knowledge.length);
    expect(contextPackMarkdown(counted).length).toBeLessThanOrEqual(1200);
  });

  it("refuses a budget that is not a positive whole number, or too small for the lines asked about", async () => {
    const factory = await factoryWith();
    await expect(factory.context({ question: "retries", budgetTokens: 0 })).rejects.toThrow(
      "context request is invalid: budgetTokens: must be at least 1",
    );
    await expect(factory.context({ question: "retries", budgetTokens: 1.5 })).rejects.toThrow(/budgetTokens/);
    await factory.floorplan.applyPlan({
      operators: [{ id: "ana" }],
      lines: [{ id: "checkout", owner: "ana", description: "Cart, payment and order confirmation" }],
    });
    await expect(factory.context({ line: "checkout", budgetTokens: 10 })).rejects.toThrow(
      /budgetTokens 10 is below the \d+ tokens that the line checkout \(description, owner, code\) take; ask for at least \d+/,
    );
  });

  it("packs everything within a budget that holds the whole pack, though not the longest note of what could be left out", async () => {
    const factory = await open({
      dir: folder("factory-tokens-"),
      durability: "normal",
      tokenCounter: estimateTokenCounter,
    });
    await factory.floorplan.applyPlan({ operators: [{ id: "ana" }], lines: [{ id: "empty", owner: "ana" }] });
    factory.standards.add(
      defineRule({
        id: "line-has-description",
        description: "Every line says what it is for.",
        severity: "warning",
        appliesTo: "line",
        check: () => [],
      }),
    );
    const whole = await factory.context({ line: "empty" });
    expect(whole.standards.rules.map((rule) => rule.id)).toEqual(["line-has-description"]);

    const exact = await factory.context({ line: "empty", budgetTokens: whole.tokens });

    expect(contextPackMarkdown(exact)).toBe(contextPackMarkdown(whole));
    expect(exact.tokens).toBe(whole.tokens);
    const error = await factory.context({ line: "empty", budgetTokens: 1 }).then(
      () => undefined,
      (failure: unknown) => failure as Error,
    );
    expect(error?.message).toMatch(/^budgetTokens \d+ is below the (\d+) tokens .*; ask for at least \1$/);
    const needed = Number(error?.message.match(/ask for at least (\d+)$/)?.[1]);
    expect(needed).toBeLessThanOrEqual(whole.tokens);
    expect((await factory.context({ line: "empty", budgetTokens: needed })).tokens).toBeLessThanOrEqual(
      needed,
    );
  });
});
