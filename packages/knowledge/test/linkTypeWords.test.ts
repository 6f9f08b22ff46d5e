import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-link-type-words-");

const note = (title: string) => ({
  kind: "note" as const,
  title,
  body: `${title}.`,
  source: { system: "test" },
});

describe("a link type that is not a word starting lowercase", () => {
  it("is refused saying the first letter must be lowercase, and how to write it; nothing is written", async () => {
    const from = await temp.kb.capture(note("Refunds"));
    const to = await temp.kb.capture(note("Chargebacks"));

    await expect(temp.kb.link(from.id, { type: "RelatesTo", target: to.id })).rejects.toThrow(
      `link of ${from.id} is invalid: type: link types start with a lowercase letter: write relatesTo`,
    );
    await expect(temp.kb.link(from.id, { type: "relates to", target: to.id })).rejects.toThrow(
      `link of ${from.id} is invalid: type: link types are one word of letters, digits or hyphens starting with a lowercase letter, such as relatesTo, informs, evidenceFor`,
    );
    await expect(
      temp.kb.capture({ ...note("Disputes"), links: [{ type: "Informs", target: to.id }] }),
    ).rejects.toThrow("links[0].type: link types start with a lowercase letter: write informs");
    expect((await temp.kb.get(from.id))?.links).toEqual([]);
  });
});
