/**
 * A title is one line shown to people and agents: over MCP, a work item's,
 * an artifact's or an incident's title with a control character or a bidi
 * override is refused, naming the character and its place, and nothing is
 * written; a signal's text, which is not a title, keeps them as sent.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("title-characters-test");
const { call, refused } = server;

/** Work items on checkout (list_work), to see that a refused create wrote none. */
const workItems = async (): Promise<unknown[]> => {
  const listed = await call("list_work", { line: "checkout", limit: 100 });
  const items = listed.structuredContent?.items;
  if (!Array.isArray(items)) throw new Error("list_work answered without items");
  return items;
};

describe("characters a title must not hold, over stdio", () => {
  it("refuses them in a work item's and an artifact's title, naming the first, and writes nothing", async () => {
    const before = await workItems();
    expect(await refused("create_work_item", { line: "checkout", title: "a\u202eevil \x1b[31mred" })).toBe(
      "E_VALIDATION: create_work_item input is invalid: title: U+202E (right-to-left override) at character 2 is not allowed in a title",
    );
    expect(await workItems()).toEqual(before);
    expect(
      await refused("record_artifact", { id: "runbook", kind: "document", title: "Runbook\tv2", fields: {} }),
    ).toBe(
      "E_VALIDATION: record_artifact input is invalid: title: U+0009 (tab) at character 8 is not allowed in a title",
    );
  });

  it("keeps them in a signal's text, which is not a title", async () => {
    const text = "a\u202eevil \x1b[31mred\nsecond line";
    const captured = await call("capture_signal", { text, source: "support" });
    expect(captured.isError).not.toBe(true);
    expect(captured.structuredContent).toMatchObject({ text });
  });
});
