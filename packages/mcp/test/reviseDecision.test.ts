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
      `E_VALIDATION: revision of ${id} is invalid: decision: ${id} is a note, not a decision: only a decision has decision fields`,
    );
    expect(await refused("revise_knowledge", { id, decision: { decision: " " }, reason: "r" })).toContain(
      "decision must not be blank",
    );
    expect(
      await refused("revise_knowledge", { id, decision: { status: "superseded" }, reason: "r" }),
    ).toMatch(/^E_VALIDATION: revise_knowledge input is invalid: decision\.status/);
    expect((await ok("get_document", { id })).revisions).toHaveLength(1);
  });

  it("replaces a decision's options, and refuses decision: {} as naming nothing to change", async () => {
    const { id } = await ok("record_decision", {
      title: "Queue",
      context: "Exports time out.",
      options: [{ title: "SQS" }],
      decision: "Queue the exports.",
    });
    const options = [
      { title: "SQS", pros: ["managed"], cons: [] },
      { title: "A table", pros: [], cons: ["polling"] },
    ];
    const revised = await ok("revise_knowledge", { id, decision: { options }, reason: "weighed a table" });
    expect(revised).toMatchObject({ revision: 2, changed: true });
    const document = await ok("get_document", { id });
    expect(document).toMatchObject({
      decision: { options, context: "Exports time out.", decision: "Queue the exports." },
    });
    expect(document.body).toContain("- A table\n  - con: polling");

    expect(await refused("revise_knowledge", { id, decision: {}, reason: "r" })).toBe(
      `E_VALIDATION: revision of ${id} is invalid: decision: is empty, so it changes nothing: give the fields to change (status, context, options, decision, consequences), or leave decision out`,
    );
    expect(
      await refused("revise_knowledge", {
        id,
        decision: { options: [{ title: "x", pro: [] }] },
        reason: "r",
      }),
    ).toContain('decision.options[0]: unknown field "pro"');
    expect((await ok("get_document", { id })).revisions).toHaveLength(2);
  });

  it("keeps both fields of two revisions of different decision fields called at once", async () => {
    const { id } = await ok("record_decision", {
      title: "Cache the cart",
      context: "Carts are read on every page.",
      decision: "Cache them for a minute.",
    });
    const answers = await Promise.all([
      ok("revise_knowledge", { id, decision: { status: "accepted" }, reason: "accepted" }),
      ok("revise_knowledge", { id, decision: { consequences: "A stale price for a minute." }, reason: "r" }),
    ]);
    expect(answers.map((answer) => answer.changed)).toEqual([true, true]);
    const document = await ok("get_document", { id });
    expect(document.revisions).toHaveLength(3);
    expect(document.decision).toMatchObject({
      status: "accepted",
      consequences: "A stale price for a minute.",
    });
  });
});
