import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { refused } = useSeededServer("bounded-refusals-test");

/** 5,000 of the same mistake. */
const many = <T>(item: (index: number) => T): T[] => Array.from({ length: 5000 }, (_, index) => item(index));

describe("a refusal of arguments repeating one mistake thousands of times", () => {
  it("lists the first ten problems and counts the rest", async () => {
    const text = await refused("search_knowledge", {
      query: "refunds",
      kinds: many((index) => `kind${index}`),
    });
    expect(text).toMatch(/^E_VALIDATION: search_knowledge input is invalid: kinds\[0\]: must be one of /);
    expect(text).toContain("kinds[9]: ");
    expect(text).not.toContain("kinds[10]: ");
    expect(text).toMatch(/\(root\): and 4,990 more problems$/);
    expect(text.length).toBeLessThan(2000);
  });

  it("names ten unknown arguments, each cut short, and counts the rest", async () => {
    const unknown = Object.fromEntries(many((index) => [`${"k".repeat(200)}${index}`, 1]));
    const text = await refused("who_owns", { line: "checkout", ...unknown });
    expect(text).toContain(`unknown arguments "${"k".repeat(80)}... (201 characters)", `);
    expect(text).toContain(" and 4,990 more; who_owns takes paths, line, asOf");
    expect(text.length).toBeLessThan(2000);
  });
});

describe("a refusal quoting a huge value", () => {
  it("quotes its first characters and its length, and still says what to give", async () => {
    const text = await refused("link_artifacts", { from: "a", to: "b", type: "x".repeat(300_000) });
    expect(text).toBe(
      `E_VALIDATION: link_artifacts input is invalid: type: unknown link type "${"x".repeat(80)}... (300,000 characters)"; link types: derivesFrom, satisfies, implements, verifies, addresses`,
    );
  });

  it("is bounded when a skill's refusal names thousands of fields", async () => {
    const input = Object.fromEntries(many((index) => [`field${index}`, 1]));
    const text = await refused("run_skill", { name: "summarize-line", input });
    expect(text).toMatch(
      /^E_VALIDATION: input of skill summarize-line is invalid: input: unknown fields "field0", /,
    );
    expect(text).toMatch(/\.\.\. \(cut: the message is [\d,]+ characters\)$/);
    expect(text.length).toBeLessThan(8100);
  });
});
