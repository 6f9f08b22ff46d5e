import { contextPackMarkdown } from "@software-factory/intelligence";
import { describe, expect, it } from "vitest";
import { useTempFactories } from "../fixtures/tempFactories.js";

const { folder, open } = useTempFactories();

const source = { system: "wiki", author: "ana" };

/**
 * The audit's case: a work item "Dunning v2" on line dunning, a requirement
 * linked to it that shares no word with its title, an incident note that
 * matches the title but is linked to nothing, a page linked to the line, and
 * a note linked to the item that was retracted.
 */
async function dunningFactory() {
  const factory = await open({ dir: folder("factory-pack-linked-documents-") });
  await factory.floorplan.applyPlan({
    operators: [{ id: "ana" }],
    lines: [{ id: "dunning", owner: "ana", paths: ["/src/dunning/"], description: "Payment reminders" }],
  });
  const item = await factory.work.createWorkItem({ line: "dunning", title: "Dunning v2" });
  const capture = (title: string, body: string) =>
    factory.knowledge.capture({ kind: "note", title, body, source });
  const requirement = await capture("REQ-DUN-5", "Send the third reminder by registered mail after 21 days.");
  const incident = await capture(
    "Dunning v2 incident",
    "Dunning v2 sent duplicate dunning emails; dunning v2 retried twice.",
  );
  const linePage = await capture("Reminder wording", "Letters are polite and name the invoice.");
  const retracted = await capture("Old schedule", "Reminders every day.");
  await factory.knowledge.link(requirement.id, { type: "informs", target: item.id });
  await factory.knowledge.link(linePage.id, { type: "relatesTo", target: "dunning" });
  await factory.knowledge.link(retracted.id, { type: "informs", target: item.id });
  await factory.knowledge.retract(retracted.id, "wrong");
  return {
    factory,
    item: item.id,
    requirement: requirement.id,
    incident: incident.id,
    linePage: linePage.id,
    retracted: retracted.id,
  };
}

describe("the documents linked to a pack's work item or lines", () => {
  it("come first in a work item's pack, marked linked, ahead of a document the search matched better", async () => {
    const { factory, item, requirement, incident, linePage, retracted } = await dunningFactory();

    const pack = await factory.context({ workItem: item });

    const ids = [
      ...pack.knowledge.map((hit) => hit.document.id),
      ...pack.relatedKnowledge.map((reference) => reference.id),
    ];
    expect(ids.slice(0, 3)).toEqual([requirement, linePage, incident]);
    expect(ids).not.toContain(retracted);
    const [first, second, third] = pack.knowledge;
    expect(first?.linked).toEqual([{ type: "informs", target: item }]);
    expect(second?.linked).toEqual([{ type: "relatesTo", target: "dunning" }]);
    expect(third?.linked).toBeUndefined();
    expect(first?.snippet).toContain("registered mail");
    const markdown = contextPackMarkdown(pack);
    expect(markdown).toContain(`### REQ-DUN-5 [note, \`${requirement}\`] (linked: informs \`${item}\`)`);
    expect(markdown).toContain(`(linked: relatesTo \`dunning\`)`);
    expect(markdown.indexOf("REQ-DUN-5")).toBeLessThan(markdown.indexOf("Dunning v2 incident"));
  });

  it("are named first, marked linked, when the budget holds documents only as references", async () => {
    const { factory, item, requirement, linePage, incident } = await dunningFactory();
    const whole = await factory.context({ workItem: item });
    // The largest budget (in steps of 10 tokens) that holds no excerpt names the documents by title.
    let budget = whole.tokens;
    let pack = whole;
    while (pack.knowledge.length > 0 && budget > 50) {
      budget -= 10;
      pack = await factory.context({ workItem: item, budgetTokens: budget }).catch(() => pack);
    }
    expect(pack.knowledge).toEqual([]);
    const links = new Map([
      [requirement, [{ type: "informs", target: item }]],
      [linePage, [{ type: "relatesTo", target: "dunning" }]],
    ]);
    expect(pack.relatedKnowledge.length).toBeGreaterThan(0);
    for (const reference of pack.relatedKnowledge) expect(reference.linked).toEqual(links.get(reference.id));
    // Linked documents have the first claim: a matched one is named only after them.
    const ids = pack.relatedKnowledge.map((reference) => reference.id);
    if (ids.includes(incident)) expect(ids.slice(0, -1).every((id) => links.has(id))).toBe(true);
    expect(pack.tokens).toBeLessThanOrEqual(pack.budgetTokens);
  });

  it("come first in a line's pack too, those linked to the line", async () => {
    const { factory, linePage } = await dunningFactory();
    const pack = await factory.context({ line: "dunning" });
    expect(pack.knowledge[0]?.document.id).toBe(linePage);
    expect(pack.knowledge[0]?.linked).toEqual([{ type: "relatesTo", target: "dunning" }]);
  });
});
