import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

/** Requirements without acceptance criteria: one finding each. */
const REQUIREMENTS = 30;

const { call } = useSeededServer("check-standards-limit-test", async ({ factory }) => {
  for (let index = 0; index < REQUIREMENTS; index += 1) {
    await factory.work.recordArtifact({
      id: `REQ-${index}`,
      kind: "requirement",
      title: `Requirement ${index} without its acceptance criteria`,
      fields: { body: "The checkout shall retry a failed payment." },
      line: "checkout",
    });
  }
});

describe("check_standards on a factory with many findings", () => {
  it("answers the first 20 by default and counts them all, and more when asked", async () => {
    const first = (await call("check_standards", {})).structuredContent as {
      findings: unknown[];
      total: number;
    };
    expect(first.findings).toHaveLength(20);
    expect(first.total).toBeGreaterThanOrEqual(REQUIREMENTS);

    const all = (await call("check_standards", { limit: 500 })).structuredContent as { findings: unknown[] };
    expect(all.findings).toHaveLength(first.total);
  });
});
