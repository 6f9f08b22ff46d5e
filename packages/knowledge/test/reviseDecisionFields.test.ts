/**
 * `revise` takes the decision fields that change (any of status, context,
 * options, decision, consequences) and merges them over the document's
 * decision inside the write, so two writers changing different fields at
 * once keep both; `decision` for a document that is no decision, or naming
 * no field, is refused at `decision` and nothing is written. Before, `revise`
 * took a whole decision and each caller (the CLI, the MCP server) read the
 * document and merged: a revision landing between that read and the write
 * was overwritten.
 */
import { DECISION_TEXT_MAX, DocumentRevised, type KnowledgeBase } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { useRacingKnowledgeBases } from "./fixtures/racingKnowledgeBases.js";
import { refused } from "./fixtures/refusedWrite.js";
import { note } from "./fixtures/retriesNote.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const source = { system: "test" };

/** A proposed decision with one option and no consequences, recorded in `kb`. */
const recordVault = (kb: KnowledgeBase, context = "PCI scope.") =>
  kb.recordDecision({
    title: "Card vault",
    context,
    options: [{ title: "Provider vault", pros: ["no PCI"], cons: [] }],
    decision: "Use the provider's vault.",
    source,
  });

describe("revise with some of a decision's fields", () => {
  const temp = useTempKnowledgeBase("knowledge-revise-decision-fields-");

  it("changes the fields given, keeps the others and rewrites the body from the merged decision", async () => {
    const { id } = await recordVault(temp.kb);

    const { document, changed } = await temp.kb.revise(id, {
      decision: { consequences: "Refunds go through the provider." },
      reason: "consequences were missing",
    });

    expect(changed).toBe(true);
    expect(document.decision).toEqual({
      status: "proposed",
      context: "PCI scope.",
      options: [{ title: "Provider vault", pros: ["no PCI"], cons: [] }],
      decision: "Use the provider's vault.",
      consequences: "Refunds go through the provider.",
    });
    expect(document.body).toContain("## Consequences\n\nRefunds go through the provider.");
    expect(document.body).toContain("- Provider vault\n  - pro: no PCI");

    const weighed = await temp.kb.revise(id, {
      decision: { options: [{ title: "A table", cons: ["polling"] }] },
    });
    expect(weighed.document.decision?.options).toEqual([{ title: "A table", pros: [], cons: ["polling"] }]);
    const options = await temp.kb.revise(id, { decision: { options: [] } });
    expect(options.document.decision).toMatchObject({ options: [], consequences: expect.any(String) });
    expect(options.document.body).not.toContain("## Options");
    expect((await temp.kb.revise(id, { decision: { status: "proposed" } })).changed).toBe(false);
  });

  it("refuses decision fields for a document that is no decision, at decision, writing nothing", async () => {
    const doc = await temp.kb.capture(note);
    const error = await refused(temp.log, () =>
      temp.kb.revise(doc.id, { decision: { status: "accepted" }, reason: "r" }),
    );
    expect(error.message).toBe(
      `revision of ${doc.id} is invalid: decision: ${doc.id} is a note, not a decision: only a decision has decision fields`,
    );
    expect(error.issues).toEqual([{ path: "decision", message: expect.stringContaining("not a decision") }]);
  });

  it("refuses decision: {} as naming nothing to change, writing nothing", async () => {
    const { id } = await recordVault(temp.kb);
    const error = await refused(temp.log, () => temp.kb.revise(id, { decision: {}, reason: "r" }));
    expect(error.message).toBe(
      `revision of ${id} is invalid: decision: is empty, so it changes nothing: give the fields to change (status, context, options, decision, consequences), or leave decision out`,
    );
    const undefinedOnly = await refused(temp.log, () =>
      temp.kb.revise(id, { decision: { status: undefined } }),
    );
    expect(undefinedOnly.issues.map((issue) => issue.path)).toEqual(["decision"]);
  });

  it("refuses a field that passes the text limit together with the fields kept", async () => {
    const { id } = await recordVault(temp.kb, "c".repeat(DECISION_TEXT_MAX - 100));
    const error = await refused(temp.log, () =>
      temp.kb.revise(id, { decision: { consequences: "x".repeat(200) } }),
    );
    expect(error.issues).toEqual([
      {
        path: "decision.context",
        message: expect.stringContaining(
          `context, options, decision and consequences together are at most ${DECISION_TEXT_MAX} characters`,
        ),
      },
    ]);
  });
});

describe("two revisions of different decision fields at once", () => {
  const race = useRacingKnowledgeBases("knowledge-revise-decision-race-");
  const both = {
    status: "accepted",
    context: "PCI scope.",
    options: [{ title: "Provider vault", pros: ["no PCI"], cons: [] }],
    decision: "Use the provider's vault.",
    consequences: "Refunds go through the provider.",
  };

  it("keeps the field of a revision landing between the other's read and its append", async () => {
    const { id } = await recordVault(race.writer);
    race.before(DocumentRevised.type, () =>
      race.other.revise(id, { decision: { consequences: both.consequences } }),
    );

    const { document, changed } = await race.writer.revise(id, { decision: { status: "accepted" } });

    expect(changed).toBe(true);
    expect(document.revisions).toHaveLength(3);
    expect(document.decision).toEqual(both);
    expect(document.body).toContain("Status: accepted");
    expect(document.body).toContain(both.consequences);
  });

  it("keeps both fields when the two are issued together from two connections", async () => {
    for (let round = 0; round < 3; round += 1) {
      const { id } = await recordVault(race.writer);
      const results = await Promise.all([
        race.writer.revise(id, { decision: { status: "accepted" } }),
        race.other.revise(id, { decision: { consequences: both.consequences } }),
      ]);
      expect(results.map((result) => result.changed)).toEqual([true, true]);
      const document = await race.other.get(id);
      expect(document?.revisions).toHaveLength(3);
      expect(document?.decision).toEqual(both);
    }
  });
});
