import { describe, expect, it } from "vitest";
import { countTokens, type SearchHit } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-highlight-");

const source = { system: "test" };

/** Tokens a hit takes besides its snippet: its title and the frame around them. */
const besidesSnippet = (hit: SearchHit) => hit.tokens - countTokens(hit.snippet);

describe("the highlight option of search", () => {
  it("with false, snips the same window without marks and counts the tokens of the plain snippet", async () => {
    await temp.kb.capture({
      kind: "runbook",
      title: "Payment retries",
      body: "When a payment is declined, the gateway retries the payment twice, then the payment job alerts on-call.",
      source,
    });

    const marked = await temp.kb.search("payment retries");
    const plain = await temp.kb.search("payment retries", { highlight: false });
    const [markedHit] = marked.hits;
    const [plainHit] = plain.hits;

    expect(markedHit?.snippet).toContain("**payment**");
    expect(plainHit?.snippet).toBe(
      "When a payment is declined, the gateway retries the payment twice, then the payment job alerts on-call.",
    );
    expect(plainHit?.snippet).toBe(markedHit?.snippet.replaceAll("**", ""));
    expect(plainHit?.tokens).toBe(
      countTokens(plainHit?.snippet ?? "") + besidesSnippet(markedHit as SearchHit),
    );
    expect(plainHit?.tokens).toBeLessThan(markedHit?.tokens ?? 0);
    expect(plain.tokens).toBe(plainHit?.tokens);
  });

  it("leaves the default as it was: true marks what matched", async () => {
    await temp.kb.capture({ kind: "note", title: "Retries", body: "We retry payments twice.", source });

    const byDefault = await temp.kb.search("retry payments");

    expect(byDefault.hits[0]?.snippet).toBe("We **retry** **payments** twice.");
    expect(await temp.kb.search("retry payments", { highlight: true })).toEqual(byDefault);
  });

  it("with false, keeps a ** that the document's text itself holds", async () => {
    await temp.kb.capture({
      kind: "note",
      title: "Glob syntax",
      body: "The pattern \\*\\*docs\\*\\* matches a docs folder at any depth.",
      source,
    });

    const { hits } = await temp.kb.search("pattern depth", { highlight: false });

    expect(hits[0]?.snippet).toBe("The pattern **docs** matches a docs folder at any depth.");
  });

  it("with false, fits more hits in a budget: budgetTokens counts the plain snippets", async () => {
    for (const name of ["card", "wallet", "transfer"]) {
      await temp.kb.capture({
        kind: "note",
        title: `${name} payments`,
        body: `Payment retries for ${name}: each declined payment retries twice before the payment fails.`,
        source,
      });
    }
    const plain = await temp.kb.search("payment retries", { highlight: false });
    expect(plain.hits).toHaveLength(3);

    const budgetTokens = plain.tokens;
    const plainInBudget = await temp.kb.search("payment retries", { highlight: false, budgetTokens });
    const markedInBudget = await temp.kb.search("payment retries", { budgetTokens });

    expect(plainInBudget.hits).toHaveLength(3);
    expect(plainInBudget.tokens).toBe(budgetTokens);
    expect(markedInBudget.hits.length).toBeLessThan(3);
    expect(markedInBudget.tokens).toBeLessThanOrEqual(budgetTokens);
  });

  it("is refused when it is not a boolean, naming it in the search options", async () => {
    await expect(temp.kb.search("payment", { highlight: "no" as unknown as boolean })).rejects.toMatchObject({
      code: "E_VALIDATION",
      message: "search options is invalid: highlight: must be true or false, not a string",
    });
  });
});
