import { describe, expect, it } from "vitest";
import { highlightTerms, snippet } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-clitics-");

describe("highlights of words with an apostrophe", () => {
  it("mark the word a possessive in the query names, not the letter after every apostrophe", async () => {
    await temp.kb.capture({
      kind: "note",
      title: "MCP server",
      body: "The factory's tools, the team's prompts and Ana’s resources, over stdio. It's s-expressions.",
      source: { system: "test" },
    });

    const { hits } = await temp.kb.search("the factory's tools");

    expect(hits[0]?.snippet).toBe(
      "The **factory**'s **tools**, the team's prompts and Ana’s resources, over stdio. It's s-expressions.",
    );
  });

  it("leave the clitics of contractions unmarked, and a single letter standing alone still matches", () => {
    expect(snippet("Don't retry; we'll wait. Plan B's fallback is plan b.", "don't we'll b")).toBe(
      "**Don**'t retry; we'll wait. Plan **B**'s fallback is plan **b**.",
    );
    const text = "factory's s";
    expect(highlightTerms(text, "s").map(({ start, end }) => text.slice(start, end))).toEqual(["s"]);
  });
});
