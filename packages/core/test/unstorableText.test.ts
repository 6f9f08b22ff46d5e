import { describe, expect, it } from "vitest";
import { unstorableTextIssues } from "../src/index.js";

describe("unstorableTextIssues", () => {
  it("finds nothing in text every store keeps, surrogate pairs included", () => {
    expect(unstorableTextIssues({ title: "Café 🚀", tags: ["a", "b"], n: 1, none: null })).toEqual([]);
    expect(unstorableTextIssues("plain")).toEqual([]);
  });

  it("names every NUL and lone surrogate by its path and index, keys included", () => {
    expect(
      unstorableTextIssues({ title: "a\u0000b", tags: ["ok", "x\uD83D"], nested: { "k\uDE80": "v" } }),
    ).toEqual([
      { path: "title", message: "contains a NUL character (\\u0000) at index 1, which cannot be stored" },
      {
        path: "tags[1]",
        message: "contains a lone UTF-16 surrogate (\\ud83d) at index 1, which is not valid Unicode",
      },
      {
        path: "nested",
        message:
          'key "k\\ude80": contains a lone UTF-16 surrogate (\\ude80) at index 1, which is not valid Unicode',
      },
    ]);
  });

  it("puts the given path before the fields", () => {
    expect(unstorableTextIssues({ text: "\u0000" }, "data")).toMatchObject([{ path: "data.text" }]);
  });
});
