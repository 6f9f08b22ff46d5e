import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("revise-decision-test");
const { call, refused } = server;
const ok = async (name: string, args: Record<string, unknown>) => {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
};

describe("revise_knowledge's decision fields over stdio", () => {
  it("writes a decision's consequences and keeps its other fields, as recorded-decision-is-complete asks", async () => {
    const { id } = await ok("record_decision", {
      title: "Card vault",
      status: "accepted",
      context: "PCI scope",
      options: [{ title: "Provider vault", pros: ["no PCI"], cons: [] }],
      decision: "Use the provider's vault.",
    });
    const revised = await ok("revise_knowledge", {
      id,
      decision: { consequences: "Refunds go through the provider." },
      reason: "consequences were missing",
    });
    expect(revised).toMatchObject({ id, revision: 2, changed: true });

    const document = await ok("get_document", { id });
    expect(document).toMatchObject({
      kind: "decision",
      title: "Card vault",
      decision: {
        status: "accepted",
        context: "PCI scope",
        options: [{ title: "Provider vault", pros: ["no PCI"], cons: [] }],
        decision: "Use the provider's vault.",
        consequences: "Refunds go through the provider.",
      },
    });
    expect(document.body).toContain("Refunds go through the provider.");

    const status = await ok("revise_knowledge", { id, decision: { status: "rejected" }, reason: "reverted" });
    expect(status).toMatchObject({ revision: 3, changed: true });
    expect(await ok("get_document", { id })).toMatchObject({
      decision: { status: "rejected", consequences: "Refunds go through the provider." },
    });
  });

  it("refuses decision fields for a document that is no decision, or a blank decision text, and writes nothing", async () => {
    const { id } = await ok("capture_knowledge", { kind: "note", title: "Vault notes", body: "Some text." });
    expect(await refused("revise_knowledge", { id, decision: { consequences: "x" }, reason: "r" })).toBe(
      `E_VALIDATION: revise_knowledge input is invalid: decision: ${id} is a note, not a decision: only a decision has decision fields`,
    );
    expect(await refused("revise_knowledge", { id, decision: { decision: " " }, reason: "r" })).toContain(
      "decision must not be blank",
    );
    expect(
      await refused("revise_knowledge", { id, decision: { status: "superseded" }, reason: "r" }),
    ).toMatch(/^E_VALIDATION: revise_knowledge input is invalid: decision\.status/);
    expect((await ok("get_document", { id })).revisions).toHaveLength(1);
  });
});
