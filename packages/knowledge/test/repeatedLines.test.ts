import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-repeated-lines-");

const note = {
  kind: "note",
  title: "Retries",
  body: "We retry twice.",
  source: { system: "notes" },
} as const;

describe("a line given twice", () => {
  it("is kept once, where it first stands, by capture, captureOrRevise, revise and recordDecision", async () => {
    const captured = await temp.kb.capture({ ...note, lines: ["payments", "checkout", "payments"] });
    expect(captured.lines).toEqual(["payments", "checkout"]);

    const revised = await temp.kb.revise(captured.id, { lines: ["checkout", "checkout"] });
    expect(revised.document.lines).toEqual(["checkout"]);
    expect(revised.document.revisions).toHaveLength(2);
    const again = await temp.kb.revise(captured.id, { lines: ["checkout", "checkout"] });
    expect(again.changed).toBe(false);

    const sourced = await temp.kb.captureOrRevise({
      ...note,
      source: { system: "notes", uri: "retries.md" },
      lines: ["payments", "payments"],
    });
    expect(sourced.document.lines).toEqual(["payments"]);

    const decision = await temp.kb.recordDecision({
      title: "Two retries",
      context: "Payments fail now and then.",
      decision: "Retry twice.",
      source: { system: "cli" },
      lines: ["payments", "payments"],
    });
    expect(decision.lines).toEqual(["payments"]);
  });
});
