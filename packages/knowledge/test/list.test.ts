import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-list-");

describe("list and get", () => {
  it("page through every document, and give them all with limit Infinity", async () => {
    for (let index = 0; index < 250; index++) {
      await temp.kb.capture({
        kind: "note",
        title: `Note ${index}`,
        body: `body ${index}`,
        source: { system: "t" },
      });
    }
    const all = await temp.kb.list({ limit: Number.POSITIVE_INFINITY });
    const first = await temp.kb.list({ limit: 200 });
    const rest = await temp.kb.list({ limit: 200, offset: 200 });

    expect(all).toHaveLength(250);
    expect(await temp.kb.list()).toHaveLength(100);
    expect([...first, ...rest].map((document) => document.id)).toEqual(all.map((document) => document.id));
    await expect(temp.kb.list({ limit: 0 })).rejects.toThrow(/list options.*limit/);
    await expect(temp.kb.list({ offset: -1 })).rejects.toThrow(/list options.*offset/);
  });

  it("read a document as of an instant given with an offset, and name a malformed one", async () => {
    const doc = await temp.kb.capture({
      kind: "note",
      title: "Policy",
      body: "Refunds within 14 days.",
      source: { system: "t" },
    });
    await temp.kb.revise(doc.id, { body: "Refunds within 30 days." });
    const revisedAt = Date.parse((await temp.kb.get(doc.id))?.revisions[1]?.at ?? "");
    expect(revisedAt).toBeGreaterThan(0);
    /** The instant `ms` written in Paris summer time (+02:00), as a person there would. */
    const paris = (ms: number) => `${new Date(ms + 2 * 3_600_000).toISOString().slice(0, 23)}+02:00`;

    const before = await temp.kb.get(doc.id, { asOf: paris(revisedAt - 1) });
    const after = await temp.kb.get(doc.id, { asOf: paris(revisedAt) });

    expect(before?.body).toBe("Refunds within 14 days.");
    expect(after?.body).toBe("Refunds within 30 days.");
    await expect(temp.kb.get(doc.id, { asOf: "last week" })).rejects.toThrow(/get options.*asOf/);
  });
});
