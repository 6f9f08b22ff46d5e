import { describe, expect, it } from "vitest";
import type { SearchResult } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-unfiled-");

const source = { system: "test", author: "ana" };
const sorted = (result: SearchResult): string[] => result.hits.map((hit) => hit.document.id).sort();

describe("unfiledToo", () => {
  it("adds the documents filed on no line to a lines filter, never those of other lines, in every search mode", async () => {
    const own = await temp.kb.capture({
      kind: "note",
      title: "Checkout retries",
      body: "Checkout retries a declined payment once.",
      source,
      lines: ["checkout"],
    });
    const unfiled = await temp.kb.capture({
      kind: "note",
      title: "Payments overview",
      body: "Every payment goes through the gateway.",
      source,
    });
    await temp.kb.capture({
      kind: "note",
      title: "Search payments",
      body: "Search indexes every payment nightly.",
      source,
      lines: ["search"],
    });

    for (const mode of ["hybrid", "lexical", "vector"] as const) {
      expect(sorted(await temp.kb.search("payment", { lines: ["checkout"], mode })), mode).toEqual([own.id]);
      expect(
        sorted(await temp.kb.search("payment", { lines: ["checkout"], unfiledToo: true, mode })),
        mode,
      ).toEqual([own.id, unfiled.id].sort());
    }
    expect(await temp.kb.search("payment", { unfiledToo: true })).toMatchObject({ hits: { length: 3 } });
  });

  it("is refused when it is not a boolean, naming it", async () => {
    await expect(
      temp.kb.search("payment", { lines: ["checkout"], unfiledToo: "yes" as unknown as boolean }),
    ).rejects.toThrow("unfiledToo: must be true or false, not a string");
  });
});
