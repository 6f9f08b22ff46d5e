import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-links-to-");
const source = { system: "test" };
const note = (title: string) => ({ kind: "note" as const, title, body: `${title}.`, source });

describe("KnowledgeBase.linksTo", () => {
  it("answers the links pointing at a work item, a line or a document, in force first", async () => {
    const { kb } = temp;
    const requirement = await kb.capture(note("REQ-DUN-5 retries"));
    const call = await kb.capture({
      ...note("Call with Acme"),
      links: [
        { type: "evidenceFor", target: requirement.id },
        { type: "informs", target: "wi_dunning" },
      ],
    });
    await kb.link(requirement.id, { type: "informs", target: "wi_dunning" });
    const old = await kb.capture({ ...note("Old plan"), links: [{ type: "informs", target: "wi_dunning" }] });
    await kb.retract(old.id, "wrong numbers");
    await kb.capture({ ...note("Line page"), links: [{ type: "relatesTo", target: "dunning" }] });

    const toItem = await kb.linksTo("wi_dunning");
    expect(toItem.map((link) => [link.type, link.document.title, link.current])).toEqual([
      ["informs", "Call with Acme", true],
      ["informs", "REQ-DUN-5 retries", true],
      ["informs", "Old plan", false],
    ]);
    expect(toItem[2]?.document.retracted?.reason).toBe("wrong numbers");
    expect((await kb.linksTo(requirement.id)).map((link) => [link.type, link.document.id])).toEqual([
      ["evidenceFor", call.id],
    ]);
    expect((await kb.linksTo("dunning")).map((link) => link.document.title)).toEqual(["Line page"]);
    expect(await kb.linksTo("wi_nothing")).toEqual([]);
  });

  it("drops a link once it is unlinked, and names a bad target", async () => {
    const { kb } = temp;
    const doc = await kb.capture({ ...note("Spec"), links: [{ type: "informs", target: "wi_x" }] });
    await kb.unlink(doc.id, { type: "informs", target: "wi_x" });
    expect(await kb.linksTo("wi_x")).toEqual([]);
    await expect(kb.linksTo(42 as unknown as string)).rejects.toMatchObject({
      code: "E_VALIDATION",
      message: expect.stringContaining("target"),
    });
  });
});
