import { openFactory } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("decision-limits-test");
const recordDecision = (args: Record<string, unknown>) =>
  server.call("record_decision", {
    title: "Card vault",
    context: "PCI scope",
    decision: "use the provider's vault",
    ...args,
  });

describe("record_decision's text limits (as capture_knowledge's 200,000-character body)", () => {
  it("refuses a 1 MB context, naming the field, and records nothing", async () => {
    const refused = await recordDecision({ context: "x".repeat(1_000_000) });
    expect(refused.isError).toBe(true);
    expect(refused.content[0]?.text).toBe(
      "E_VALIDATION: record_decision input is invalid: context: context is at most 200000 characters",
    );
    const consequences = await recordDecision({ consequences: "x".repeat(200_001) });
    expect(consequences.content[0]?.text).toContain(
      "consequences: consequences is at most 200000 characters",
    );

    const factory = await openFactory({ dir: server.dir, actor: "test" });
    try {
      const decisions = await factory.knowledge.list({ kinds: ["decision"] });
      expect(decisions.map((document) => document.title)).toEqual(["Retry failed payments three times"]);
    } finally {
      await factory.close();
    }
  });

  it("refuses fields that together pass 200,000 characters, naming the longest, and takes them at 200,000", async () => {
    const over = await recordDecision({ context: "x".repeat(150_000), decision: "y".repeat(50_001) });
    expect(over.isError).toBe(true);
    expect(over.content[0]?.text).toMatch(
      /^E_VALIDATION: record_decision input is invalid: context: context, options, decision and consequences together are at most 200000 characters; these have 200001, 150000 of them in context/,
    );
    const atLimit = await recordDecision({ context: "x".repeat(150_000), decision: "y".repeat(50_000) });
    expect(atLimit.isError).toBeFalsy();
    expect(atLimit.structuredContent?.id).toMatch(/\w/);
  });

  it("bounds the options weighed: their count, titles, pros and cons", async () => {
    const pro = await recordDecision({ options: [{ title: "vault", pros: ["p".repeat(2001)] }] });
    expect(pro.content[0]?.text).toBe(
      "E_VALIDATION: record_decision input is invalid: options[0].pros[0]: at most 2000 characters",
    );
    const many = await recordDecision({
      options: Array.from({ length: 21 }, (_, index) => ({ title: `o${index}` })),
    });
    expect(many.content[0]?.text).toBe(
      "E_VALIDATION: record_decision input is invalid: options: at most 20 options",
    );
    const title = await recordDecision({ options: [{ title: "t".repeat(501) }] });
    expect(title.content[0]?.text).toContain("options[0].title: an option's title is at most 500 characters");
  });
});
