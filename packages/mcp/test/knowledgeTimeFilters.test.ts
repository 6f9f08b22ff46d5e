/**
 * Time travel and provenance on the knowledge tools: every `asOf` (and the
 * other points in time) takes the grammar of `get_line`'s (a date, an instant
 * or a span back), and `search_knowledge` and `list_knowledge` take the
 * knowledge base's filters by author, captured-at range (`since`, `until`),
 * `current` and `asOf` alike.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const ids = { first: "", second: "", refunds: "" };

const server = useSeededServer("knowledge-time-filters-test", async ({ factory }) => {
  const first = await factory.knowledge.capture({
    kind: "note",
    title: "Dunning levels v1",
    body: "The second reminder goes out at 21 days.",
    source: { system: "notes", author: "marc", capturedAt: "2026-02-20T00:00:00Z" },
  });
  const second = await factory.knowledge.capture({
    kind: "note",
    title: "Dunning levels v2",
    body: "The second reminder goes out at 14 days.",
    source: { system: "notes", author: "olu", capturedAt: "2026-06-10T00:00:00Z" },
    supersedes: [first.id],
  });
  // Captured now, with no date of its own: in force from now on.
  const refunds = await factory.knowledge.capture({
    kind: "note",
    title: "Refund window",
    body: "Refunds are granted within 30 days of the invoice.",
    source: { system: "notes", author: "marc" },
  });
  Object.assign(ids, { first: first.id, second: second.id, refunds: refunds.id });
});

/** The answer of a call that must succeed. */
const ok = async (name: string, args: Record<string, unknown>) => {
  const result = await server.call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
};

interface Found {
  id: string;
  supersededBy?: { id: string };
  validFrom?: string;
}

/** The ids of `search_knowledge`'s hits for `query` with `args`. */
const searched = async (query: string, args: Record<string, unknown> = {}) =>
  ((await ok("search_knowledge", { query, ...args })).hits as Found[]).map((hit) => hit.id);

/** The ids `list_knowledge` lists with `args`. */
const listed = async (args: Record<string, unknown> = {}) =>
  ((await ok("list_knowledge", args)).documents as Found[]).map((document) => document.id).sort();

describe("asOf on the knowledge tools", () => {
  it("takes a date (midnight UTC) on search_knowledge, list_knowledge and get_document, as get_line does", async () => {
    expect(await searched("second reminder", { asOf: "2026-03-01" })).toEqual([ids.first]);
    expect(await listed({ asOf: "2026-03-01" })).toEqual([ids.first]);
    const document = await ok("get_document", { id: ids.first, asOf: "2026-03-01" });
    expect(document.body).toBe("The second reminder goes out at 21 days.");
  });

  it("takes a span back from now (30d): a document in force only from now on is not there then", async () => {
    expect(await searched("refunds")).toEqual([ids.refunds]);
    expect(await searched("refunds", { asOf: "30d" })).toEqual([]);
    expect(await listed({ asOf: "30d", authors: ["marc"] })).toEqual([ids.first]);
    const before = await server.call("get_document", { id: ids.refunds, asOf: "30d" });
    expect(before.isError).toBe(true);
    expect(before.content[0]?.text).toMatch(/^E_NOT_FOUND: id: no document/);
  });

  it("takes a date for capture_knowledge's source.capturedAt", async () => {
    const { id } = await ok("capture_knowledge", {
      kind: "note",
      title: "Call notes",
      body: "Late fees are waived for the first invoice.",
      source: { system: "zoom", capturedAt: "2026-03-01" },
    });
    const document = await ok("get_document", { id });
    expect((document.source as { capturedAt?: string }).capturedAt).toBe("2026-03-01T00:00:00.000Z");
    expect(document.validFrom).toBe("2026-03-01T00:00:00.000Z");
  });
});

describe("search_knowledge and list_knowledge filters", () => {
  it("include superseded documents with current: false, each hit saying what replaced it", async () => {
    expect(await searched("second reminder")).toEqual([ids.second]);
    const { hits } = await ok("search_knowledge", { query: "second reminder", current: false });
    const first = (hits as Found[]).find((hit) => hit.id === ids.first);
    expect(first?.supersededBy?.id).toBe(ids.second);
    expect(first?.validFrom).toBe("2026-02-20T00:00:00.000Z");
    expect((hits as Found[]).find((hit) => hit.id === ids.second)?.supersededBy).toBeUndefined();
  });

  it("filter by the source's author", async () => {
    expect(await searched("second reminder", { authors: ["marc"], current: false })).toEqual([ids.first]);
    expect(await listed({ authors: ["olu"] })).toEqual([ids.second]);
  });

  it("filter by when the source was captured: since inclusive, until exclusive", async () => {
    const all = { current: false };
    expect(await searched("second reminder", { ...all, since: "2026-06-10" })).toEqual([ids.second]);
    expect(await searched("second reminder", { ...all, until: "2026-06-10" })).toEqual([ids.first]);
    const between = { since: "2026-02-01", until: "2026-06-11T00:00:00Z", authors: ["marc", "olu"] };
    expect(await listed({ ...all, ...between })).toEqual([ids.first, ids.second].sort());
    expect(await listed({ since: "1h", authors: ["marc"] })).toEqual([ids.refunds]);
  });
});
