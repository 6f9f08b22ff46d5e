/**
 * check_standards answered the built-in rules' hints in the CLI's terms: the
 * recorded-decision-is-complete rule said `factory knowledge revise doc_...
 * --reason "..." --consequences "..." (SDK: knowledge.revise(...))`, which an
 * agent over MCP cannot run. A rule whose fix is a call gives it for each
 * surface, and check_standards tells it as the tool call.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

let decision = "";
let orphan = "";
const server = useSeededServer("mcp-hints-test", async ({ factory }) => {
  const [document] = await factory.knowledge.list({ kinds: ["decision"] });
  decision = document?.id as string;
  const item = await factory.work.createWorkItem({ line: "search", title: "Faster search", kind: "feature" });
  orphan = item.id;
  await factory.floorplan.retireLine("search");
});

/** The hints check_standards gives for the findings of `rule`. */
async function hints(rule: string): Promise<(string | undefined)[]> {
  const answer = await server.call("check_standards", { rules: [rule] });
  expect(answer.isError).toBeUndefined();
  const findings = (answer.structuredContent?.findings ?? []) as { hint?: string }[];
  return findings.map((finding) => finding.hint);
}

describe("check_standards' hints", () => {
  it("tell a recorded decision's missing part as the revise_knowledge call that fills it", async () => {
    expect(await hints("recorded-decision-is-complete")).toEqual([
      `fill decision.consequences: revise_knowledge {"id":"${decision}","reason":"...","decision":{"consequences":"..."}}`,
    ]);
  });

  it("tell work on a line the plan removed as the advance_work_item call that drops it", async () => {
    expect(await hints("work-is-on-a-plan-line")).toEqual([
      `put line search back in the floor plan, or drop the item: advance_work_item {"id":"${orphan}","move":"drop","reason":"<why>"}`,
    ]);
  });

  it("answer no fix object besides the hint", async () => {
    const answer = await server.call("check_standards", { rules: ["recorded-decision-is-complete"] });
    expect(JSON.stringify(answer.structuredContent)).not.toContain('"fix"');
  });
});
