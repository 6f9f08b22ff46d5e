import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("document-cut-test");
const { call } = server;

describe("get_document over stdio", () => {
  it("cuts a body longer than maxTokens at a character, never inside a surrogate pair", async () => {
    const body = `${"a".repeat(399)}\u{1F600}${"b".repeat(500)}`;
    const captured = await call("capture_knowledge", { kind: "note", title: "Long", body });
    const id = captured.structuredContent?.id as string;

    const read = await call("get_document", { id, maxTokens: 100 });
    expect(read.structuredContent).toMatchObject({ body: "a".repeat(399), truncated: true });
    const whole = await call("get_document", { id });
    expect(whole.structuredContent).toMatchObject({ body, truncated: false });
  });
});
