/**
 * A decision supersedes earlier decisions only: the decision log replaces
 * them and marks each `superseded`. Superseding a note or an insight made it
 * no longer current without a word, though it states no decision.
 */
import { describe, expect, it } from "vitest";
import { refused } from "./fixtures/refusedWrite.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const source = { system: "test" };

describe("a decision's supersedes", () => {
  const temp = useTempKnowledgeBase("knowledge-decision-supersedes-");

  it("refuses a document that is no decision, naming its place, and writes nothing", async () => {
    const decision = await temp.kb.recordDecision({
      title: "Vault",
      context: "PCI.",
      decision: "Provider vault.",
      source,
    });
    const insight = await temp.kb.capture({
      kind: "insight",
      title: "Churn",
      body: "Customers leave at checkout.",
      source,
    });

    const error = await refused(temp.log, () =>
      temp.kb.recordDecision({
        title: "Own vault",
        context: "Costs.",
        decision: "Run our own vault.",
        supersedes: [decision.id, insight.id],
        source,
      }),
    );
    expect(error.issues).toEqual([
      {
        path: "supersedes[1]",
        message: `${insight.id} is an insight, not a decision: a decision supersedes only earlier decisions (link to it instead)`,
      },
    ]);
    expect((await temp.kb.get(insight.id))?.supersededBy).toBeUndefined();
  });

  it("still supersedes earlier decisions, which become superseded", async () => {
    const decision = await temp.kb.recordDecision({
      title: "Vault",
      context: "PCI.",
      decision: "Provider vault.",
      source,
    });
    const next = await temp.kb.recordDecision({
      title: "Own vault",
      context: "Costs.",
      decision: "Run our own vault.",
      supersedes: [decision.id],
      source,
    });
    const earlier = await temp.kb.get(decision.id);
    expect(earlier?.supersededBy?.id).toBe(next.id);
    expect(earlier?.decision?.status).toBe("superseded");
  });
});
