import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("unstorable-arguments-test");
const { call, refused } = server;

describe("text no store can keep, in the arguments of a tool that writes", () => {
  it("is refused naming the argument, and nothing is written", async () => {
    expect(await refused("capture_signal", { text: "Klarna \u0000 gone", source: "support" })).toBe(
      "E_VALIDATION: capture_signal input is invalid: text: contains a NUL character (\\u0000) at index 7, which cannot be stored",
    );
    expect(
      await refused("capture_knowledge", {
        kind: "note",
        title: "Wallets",
        body: "Most pay by wallet.",
        source: { system: "notes", author: "ana \ud800" },
      }),
    ).toBe(
      "E_VALIDATION: capture_knowledge input is invalid: source.author: contains a lone UTF-16 surrogate (\\ud800) at index 4, which is not valid Unicode",
    );
    expect(await refused("create_work_item", { line: "checkout", title: "Apple\u0000Pay" })).toBe(
      "E_VALIDATION: create_work_item input is invalid: title: contains a NUL character (\\u0000) at index 5, which cannot be stored",
    );
    const listed = await call("list_work", { line: "checkout" });
    expect(listed.structuredContent?.items).toEqual([]);
  });
});
