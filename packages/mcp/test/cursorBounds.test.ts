import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const { call } = useSeededServer("cursor-bounds-test");

describe("a page cursor no page gave", () => {
  it.each([
    [
      "search_knowledge",
      { query: "payments", cursor: "10001" },
      "cursor is past the last page (at most 10000)",
    ],
    [
      "search_knowledge",
      { query: "payments", cursor: "99999999999999999999" },
      "cursor is past the last page",
    ],
    ["list_knowledge", { cursor: "99999999999999999999" }, "cursor is past the last page"],
    ["list_knowledge", { cursor: "-1" }, "cursor is the nextCursor of the previous page"],
  ])("%s %o is refused naming the cursor, not an offset", async (name, args, message) => {
    const result = await call(name, args);
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toContain(`E_VALIDATION: ${name} input is invalid: cursor: ${message}`);
    expect(result.content[0]?.text).not.toContain("offset");
  });

  it("the last page search reaches is within the cap: past the hits, it is refused as past the last page", async () => {
    const result = await call("search_knowledge", { query: "payments", cursor: "10000" });
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toContain('cursor: "10000" is past the last page:');
  });
});
