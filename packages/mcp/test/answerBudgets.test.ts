import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call } = useSeededServer("answer-budgets-test", async ({ factory }) => {
  for (let index = 0; index < 8; index += 1) {
    await factory.knowledge.capture({
      kind: "research",
      title: `Checkout abandonment study ${index}`,
      body: `Customers abandon checkout when the payment form asks for the address twice. ${"Detail of the study. ".repeat(60)}`,
      source: { system: "test", author: "ana" },
      lines: ["checkout"],
    });
  }
});

describe("get_context's answer", () => {
  it("is the markdown as text, within budgetTokens, and the JSON as structuredContent", async () => {
    for (const budgetTokens of [300, 800]) {
      const pack = await call("get_context", {
        line: "checkout",
        question: "why do customers abandon checkout",
        budgetTokens,
      });
      expect(pack.isError).toBeUndefined();
      const text = pack.content.map((part) => part.text).join("");
      expect(text).toBe(pack.structuredContent?.markdown);
      expect(text).toContain("## Lines");
      // tokens: the pack's count of its markdown with the o200k tokenizer it names.
      expect(pack.structuredContent?.tokenizer).toBe("o200k_base");
      expect(pack.structuredContent?.tokens).toBeLessThanOrEqual(budgetTokens);
      expect(pack.structuredContent?.lines).toHaveLength(1);
    }
  });
});
