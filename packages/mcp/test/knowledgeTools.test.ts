import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

interface Listed {
  id: string;
  title: string;
  kind: string;
  revisionCount: number;
  supersededBy?: { id: string };
}

const server = useSeededServer("knowledge-tools-test");
const { call, refused } = server;
const ok = async (name: string, args: Record<string, unknown>) => {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
};
const capture = async (args: Record<string, unknown>) =>
  (await ok("capture_knowledge", { kind: "note", body: "Some text.", ...args })).id as string;
const listed = async (args: Record<string, unknown> = {}) =>
  (await ok("list_knowledge", args)) as { documents: Listed[]; nextCursor?: string };

describe("list_knowledge, revise_knowledge and retract_knowledge over stdio", () => {
  it("are listed in the knowledge group with the right hints: list reads, revise and retract overwrite", async () => {
    const { tools } = await server.client.listTools();
    const hints = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
    expect(hints.list_knowledge).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(hints.revise_knowledge).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(hints.retract_knowledge).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
    const retract = tools.find((tool) => tool.name === "retract_knowledge");
    expect(retract?.inputSchema.additionalProperties).toBe(false);
    expect(retract?.inputSchema.required).toEqual(["id", "reason"]);
  });

  it("lists documents newest first, filtered by kind, line and tag, page by page", async () => {
    const first = await capture({ title: "Refund window", tags: ["refunds"], lines: ["payments"] });
    const second = await capture({ title: "Card retries", kind: "runbook", lines: ["checkout"] });
    const third = await capture({ title: "Search synonyms", tags: ["refunds"], lines: ["search"] });

    const page1 = await listed({ limit: 2 });
    expect(page1.documents.map((document) => document.id)).toEqual([third, second]);
    expect(page1.nextCursor).toBe("2");
    const page2 = await listed({ limit: 2, cursor: page1.nextCursor });
    expect(page2.documents.map((document) => document.title)).toEqual([
      "Refund window",
      "Retry failed payments three times",
    ]);
    expect(page2.nextCursor).toBeUndefined();
    expect(page1.documents[0]).toMatchObject({ kind: "note", revisionCount: 1, source: { system: "mcp" } });
    expect(page1.documents[0]).not.toHaveProperty("body");

    expect((await listed({ kinds: ["runbook"] })).documents.map((document) => document.id)).toEqual([second]);
    expect((await listed({ tags: ["refunds"] })).documents.map((document) => document.id)).toEqual([
      third,
      first,
    ]);
    expect((await listed({ lines: ["payments"] })).documents.map((document) => document.id)).toEqual([first]);
    expect(await refused("list_knowledge", { lines: ["ghost"] })).toMatch(
      /^E_NOT_FOUND: lines\[0\]: no line "ghost"/,
    );
    expect(await refused("list_knowledge", { limit: 101 })).toMatch(/^E_VALIDATION: list_knowledge input/);
  });

  it("revises a document with a reason, once per change, and keeps the earlier revision readable", async () => {
    const id = await capture({ title: "Paymnet retries", body: "Three retires." });
    const captured = new Date().toISOString();
    const revised = await ok("revise_knowledge", {
      id,
      title: "Payment retries",
      body: "Three retries.",
      tags: ["payments"],
      reason: "typos",
    });
    expect(revised).toMatchObject({ id, revision: 2, changed: true });
    const again = await ok("revise_knowledge", { id, title: "Payment retries", reason: "typos" });
    expect(again).toMatchObject({ id, revision: 2, changed: false });

    const now = await ok("get_document", { id });
    expect(now).toMatchObject({ title: "Payment retries", body: "Three retries.", tags: ["payments"] });
    expect((now.revisions as { reason?: string; actor: string }[])[1]).toMatchObject({
      reason: "typos",
      actor: "agent",
    });
    const before = await ok("get_document", { id, asOf: captured });
    expect(before).toMatchObject({ title: "Paymnet retries", body: "Three retires." });

    const keyed = { id, body: "Three retries, then an error.", reason: "more", idempotencyKey: "rev-1" };
    expect(await ok("revise_knowledge", keyed)).toMatchObject({ revision: 3, changed: true });
    expect(await ok("revise_knowledge", keyed)).toMatchObject({ revision: 3, changed: false });
  });

  it("refuses an unknown id or line, nothing to change, or inputs past the limits, and writes nothing", async () => {
    const id = await capture({ title: "Checkout copy", lines: ["checkout"] });
    expect(await refused("revise_knowledge", { id: "doc_nope", title: "x", reason: "r" })).toBe(
      'E_NOT_FOUND: id: no document "doc_nope"; search_knowledge and list_knowledge give ids',
    );
    expect(await refused("retract_knowledge", { id: "doc_nope", reason: "r" })).toBe(
      'E_NOT_FOUND: id: no document "doc_nope"; search_knowledge and list_knowledge give ids',
    );
    expect(await refused("revise_knowledge", { id, lines: ["ghost"], reason: "r" })).toMatch(
      /^E_NOT_FOUND: lines\[0\]: no line "ghost"/,
    );
    expect(await refused("revise_knowledge", { id, reason: "r" })).toContain(
      "nothing to revise: give title, body, tags, lines or decision",
    );
    expect(await refused("revise_knowledge", { id, title: "x" })).toMatch(/^E_VALIDATION: .*reason/);
    expect(await refused("revise_knowledge", { id, body: "x".repeat(200_001), reason: "r" })).toMatch(
      /^E_VALIDATION: revise_knowledge input is invalid: body/,
    );
    expect(await refused("retract_knowledge", { id, reason: "  " })).toMatch(/^E_VALIDATION: .*reason/);
    expect(await refused("retract_knowledge", { id, reason: "r", why: "typo" })).toContain(
      'unknown argument "why"; retract_knowledge takes id, reason, idempotencyKey',
    );
    expect(await ok("get_document", { id })).toMatchObject({ title: "Checkout copy", lines: ["checkout"] });
    expect((await ok("get_document", { id })).revisions).toHaveLength(1);
    expect((await ok("get_document", { id })).retracted).toBeUndefined();
  });

  it("retracts a document out of search and listing, once, keeping it readable by id", async () => {
    const id = await capture({ title: "Klarna is down for good", body: "Klarna was removed." });
    const retracted = await ok("retract_knowledge", { id, reason: "wrong: it was an outage" });
    expect(retracted).toMatchObject({
      id,
      alreadyRetracted: false,
      retracted: { reason: "wrong: it was an outage" },
    });
    const twice = await ok("retract_knowledge", { id, reason: "again" });
    expect(twice).toMatchObject({ alreadyRetracted: true, retracted: retracted.retracted as object });

    const all = await listed({ current: false, limit: 100 });
    expect(all.documents.map((document) => document.id)).not.toContain(id);
    const search = await ok("search_knowledge", { query: "Klarna removed" });
    expect((search.hits as { id: string }[]).map((hit) => hit.id)).not.toContain(id);
    expect(await ok("get_document", { id })).toMatchObject({
      retracted: { reason: "wrong: it was an outage" },
    });
  });
});
