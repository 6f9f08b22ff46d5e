import { countTokens } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call, refused } = useSeededServer("answer-budgets-test", async ({ factory }) => {
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

describe("search_knowledge's answer", () => {
  const query = "why do customers abandon checkout";

  it("stays within budgetTokens, counted on the whole answer", async () => {
    for (const budgetTokens of [250, 500]) {
      const answer = await call("search_knowledge", { query, budgetTokens });
      expect(answer.isError).toBeUndefined();
      expect(answer.structuredContent?.hits).not.toEqual([]);
      // countTokens: the knowledge base's estimate, the measure its budgets use.
      expect(countTokens(answer.content[0]?.text ?? "")).toBeLessThanOrEqual(budgetTokens);
    }
  });

  it("pages on from the last hit a budget let through, so paging loses no hit", async () => {
    const all = await call("search_knowledge", { query, limit: 50, budgetTokens: 20_000 });
    const ranked = (all.structuredContent?.hits as { id: string }[] | undefined)?.map((hit) => hit.id);
    expect(ranked).toHaveLength(9);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const answer = await call("search_knowledge", {
        query,
        limit: 5,
        budgetTokens: 250,
        ...(cursor === undefined ? {} : { cursor }),
      });
      const hits = answer.structuredContent?.hits as { id: string }[];
      expect(hits.length).toBeGreaterThan(0);
      paged.push(...hits.map((hit) => hit.id));
      cursor = answer.structuredContent?.nextCursor as string | undefined;
    } while (cursor !== undefined);
    expect(paged).toEqual(ranked);
  });

  it("refuses a budget below the best hit, naming budgetTokens and what it needs", async () => {
    const text = await refused("search_knowledge", { query, budgetTokens: 50 });
    expect(text).toMatch(
      /^E_VALIDATION: budgetTokens: 50 is below the (\d+) tokens that the best hit takes in the answer; ask for at least \1$/,
    );
  });
});
