/**
 * A document linked to a work item is seen from the work item over MCP:
 * `factory://work/{id}` lists the documents linked to it, and `get_context`
 * for the work item puts them first, marked `linked`. A real SDK client over
 * stdio to the built `factory-mcp`, on a real SQLite factory.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("work-linked-knowledge-test");

/** A tool's answer that must not be an error (checked). */
async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await server.call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
}

/** A new document made with capture_knowledge; its id. */
async function capture(kind: string, title: string, body: string): Promise<string> {
  return (await ok("capture_knowledge", { kind, title, body })).id as string;
}

describe("knowledge linked to a work item, over MCP", () => {
  it("is listed by factory://work/{id} and comes first in the work item's context pack", async () => {
    const item = (await ok("create_work_item", { line: "checkout", title: "Saved carts" })).id as string;
    const requirement = await capture(
      "requirement",
      "REQ-CART-3",
      "A basket survives a logout for thirty days.",
    );
    const old = await capture("note", "Old basket plan", "Baskets expire after a day.");
    const matched = await capture(
      "note",
      "Saved carts incident",
      "Saved carts were lost: saved carts again.",
    );
    await ok("link_knowledge", { id: requirement, type: "informs", target: item });
    await ok("link_knowledge", { id: old, type: "relatesTo", target: item });
    await ok("retract_knowledge", { id: old, reason: "wrong" });

    const [content] = (await server.client.readResource({ uri: `factory://work/${item}` })).contents;
    const read = JSON.parse(content !== undefined && "text" in content ? content.text : "{}");
    expect(read.workItem.id).toBe(item);
    expect(read.knowledge).toEqual([
      {
        id: requirement,
        title: "REQ-CART-3",
        kind: "requirement",
        linkType: "informs",
        current: true,
        uri: `factory://documents/${requirement}`,
      },
      {
        id: old,
        title: "Old basket plan",
        kind: "note",
        linkType: "relatesTo",
        current: false,
        uri: `factory://documents/${old}`,
      },
    ]);
    expect(read.knowledgeCount).toBe(2);

    const pack = await ok("get_context", { workItem: item });
    const knowledge = pack.knowledge as {
      id: string;
      linked?: unknown;
      createdAt?: string;
      source: { capturedAt?: string };
    }[];
    const related = pack.relatedKnowledge as { id: string; linked?: unknown }[];
    const ids = [...knowledge, ...related].map((hit) => hit.id);
    // The linked requirement shares no word with the title: the note that matches it comes later.
    expect(ids[0]).toBe(requirement);
    expect(ids.indexOf(matched)).toBeGreaterThan(0);
    expect(ids).not.toContain(old);
    expect(knowledge[0]?.linked).toEqual([{ type: "informs", target: item }]);
    expect([...knowledge, ...related].filter((hit) => hit.linked !== undefined)).toHaveLength(1);
    expect(pack.markdown).toContain(
      `### REQ-CART-3 [requirement, \`${requirement}\`] (linked: informs \`${item}\`)`,
    );
    // Each document is dated as the markdown dates it: by its source's date, else when it was captured.
    const first = knowledge[0];
    expect(first?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(pack.markdown).toContain(
      ` on ${(first?.source.capturedAt ?? first?.createdAt ?? "").slice(0, 10)}.`,
    );
  });
});
