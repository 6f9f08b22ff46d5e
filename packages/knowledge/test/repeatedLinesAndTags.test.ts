import { describe, expect, it } from "vitest";
import { note } from "./fixtures/retriesNote.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-repeated-lines-");

const repeatable = [
  { what: "a line", field: "lines", first: "payments", second: "checkout" },
  { what: "a tag", field: "tags", first: "pci", second: "ops" },
] as const;

for (const { what, field, first, second } of repeatable) {
  describe(`${what} given twice`, () => {
    it("is kept once, where it first stands, by capture, captureOrRevise, revise and recordDecision", async () => {
      const captured = await temp.kb.capture({ ...note, [field]: [first, second, first] });
      expect(captured[field]).toEqual([first, second]);

      const revised = await temp.kb.revise(captured.id, { [field]: [second, second] });
      expect(revised.document[field]).toEqual([second]);
      expect(revised.document.revisions).toHaveLength(2);
      const again = await temp.kb.revise(captured.id, { [field]: [second, second] });
      expect(again.changed).toBe(false);

      const sourced = await temp.kb.captureOrRevise({
        ...note,
        source: { system: "notes", uri: "retries.md" },
        [field]: [first, first],
      });
      expect(sourced.document[field]).toEqual([first]);

      const decision = await temp.kb.recordDecision({
        title: "Two retries",
        context: "Payments fail now and then.",
        decision: "Retry twice.",
        source: { system: "cli" },
        [field]: [first, first],
      });
      expect(decision[field]).toEqual([first]);
    });
  });
}
