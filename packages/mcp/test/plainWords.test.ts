/**
 * Refusals handed agents zod's own words: run_skill summarize-line without
 * its line answered `input.line: Invalid input: expected string, received
 * undefined`, a depth of "x" `Invalid input: expected number, received
 * string`. Every error answer now says what the value must be, as the tools'
 * refusal of a missing argument does (`required (a string)`). review_link
 * described reviewedFingerprint as "The last cause's to you reviewed".
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("plain-words-test");
const { refused } = server;

describe("an error answer", () => {
  it.each([
    [
      "run_skill",
      { name: "summarize-line" },
      "E_VALIDATION: input of skill summarize-line is invalid: input.line: required (a string)",
    ],
    [
      "run_skill",
      { name: "summarize-line", input: { line: 3 } },
      "E_VALIDATION: input of skill summarize-line is invalid: input.line: must be a string, not a number",
    ],
    [
      "impact_of_change",
      { paths: ["a.ts"], depth: "x" },
      "E_VALIDATION: impact_of_change input is invalid: depth: must be a number, not a string",
    ],
    [
      "create_work_item",
      { line: "checkout", title: "y", kind: "epic" },
      'E_VALIDATION: create_work_item input is invalid: kind: must be one of "feature", "bug", "improvement", "chore"',
    ],
    [
      "get_context",
      { question: "refunds", budgetTokens: 5 },
      "E_VALIDATION: get_context input is invalid: budgetTokens: must be at least 100",
    ],
    [
      "who_owns",
      { paths: Array.from({ length: 501 }, (_, index) => `a${index}.ts`) },
      "E_VALIDATION: who_owns input is invalid: paths: must be at most 500 items",
    ],
    [
      "mark_inbox_read",
      { operator: "ana", ids: [] },
      "E_VALIDATION: mark_inbox_read input is invalid: ids: must not be empty",
    ],
  ])("of %s says what the value must be, not zod's default message", async (tool, args, text) => {
    expect(await refused(tool, args)).toBe(text);
  });
});

describe("review_link's reviewedFingerprint", () => {
  it("is described in plain words: what to pass and where to find it", async () => {
    const { tools } = await server.client.listTools();
    const schema = tools.find((tool) => tool.name === "review_link")?.inputSchema as unknown as {
      properties: { reviewedFingerprint: { description: string } };
    };
    expect(schema.properties.reviewedFingerprint.description).toBe(
      "The upstream fingerprint you compared: the to of the link's last cause (list_suspect_links shows it). Upstream changed since, the review is refused naming the fingerprint to compare",
    );
  });
});
