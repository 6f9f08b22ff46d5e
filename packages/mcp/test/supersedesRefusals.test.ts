/**
 * `capture_knowledge` and `record_decision` over stdio with the built
 * `factory-mcp`: a `supersedes` entry that names no document is refused by
 * its place among the arguments (`supersedes[1]`), as `links[1].target` and
 * `lines[1]` are, and nothing is written; a retracted one is still refused as
 * retracted.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("supersedes-refusals-test");

/** Captures a note and returns its id. */
async function note(title: string): Promise<string> {
  const captured = await server.call("capture_knowledge", { kind: "note", title, body: `${title}.` });
  expect(captured.isError, captured.content[0]?.text).toBeFalsy();
  return captured.structuredContent?.id as string;
}

describe("supersedes naming no document", () => {
  it("is refused by capture_knowledge naming supersedes[1], and the first document stays current", async () => {
    const old = await note("Old retry policy");
    const text = await server.refused("capture_knowledge", {
      kind: "note",
      title: "New retry policy",
      body: "Five retries.",
      supersedes: [old, "doc_01NOPE"],
    });
    expect(text).toBe(
      'E_NOT_FOUND: supersedes[1]: no document "doc_01NOPE"; search_knowledge and list_knowledge give ids',
    );
    const kept = await server.call("get_document", { id: old });
    expect(kept.structuredContent?.supersededBy).toBeUndefined();
    const listed = await server.call("list_knowledge", { kinds: ["note"] });
    const documents = (listed.structuredContent?.documents ?? []) as { title: string }[];
    const titles = documents.map((doc) => doc.title);
    expect(titles).not.toContain("New retry policy");
  });

  it("is refused by record_decision naming supersedes[0]", async () => {
    const text = await server.refused("record_decision", {
      title: "Use five retries",
      context: "Flaky provider",
      decision: "Five retries",
      supersedes: ["doc_01NOPE"],
    });
    expect(text).toBe(
      'E_NOT_FOUND: supersedes[0]: no document "doc_01NOPE"; search_knowledge and list_knowledge give ids',
    );
  });

  it("leaves a retracted document refused as retracted", async () => {
    const wrong = await note("Wrong retry policy");
    const retracted = await server.call("retract_knowledge", { id: wrong, reason: "It was never true" });
    expect(retracted.isError).toBeFalsy();
    const text = await server.refused("capture_knowledge", {
      kind: "note",
      title: "Right retry policy",
      body: "Three retries.",
      supersedes: [wrong],
    });
    expect(text).toMatch(/^E_RETRACTED: /);
  });
});
