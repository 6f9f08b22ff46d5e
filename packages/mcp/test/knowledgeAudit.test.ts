/**
 * What an audit of the knowledge tools over stdio found: a document read or
 * searched as of an instant mixed its old body with today's tags, lines and
 * links; prose captured as a transcript was flattened into one unknown
 * speaker's turn; an empty body was refused twice over; and a capitalised
 * link type was refused without saying why.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("knowledge-audit-test");
const { call, refused } = server;

/** The answer of a call that must succeed. */
const ok = async (name: string, args: Record<string, unknown>) => {
  const result = await call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
};

const documentCount = async (): Promise<number> =>
  ((await ok("list_knowledge", { current: false, limit: 100 })).documents as unknown[]).length;

describe("the knowledge tools as an audit used them", () => {
  it("read and search a document as of an instant as it was then: tags, lines, links and revisions", async () => {
    const { id } = await ok("capture_knowledge", {
      kind: "note",
      title: "asOf probe",
      body: "v1 body",
      tags: ["v1"],
    });
    const { id: other } = await ok("capture_knowledge", { kind: "note", title: "Other", body: "Elsewhere." });
    const then = (await ok("get_document", { id })).updatedAt as string;
    // The server's clock and this one are the machine's: the writes below come after `then`.
    while (Date.now() <= Date.parse(then)) await sleep(1);
    await ok("link_knowledge", { id, type: "relatesTo", target: other });
    await ok("revise_knowledge", {
      id,
      body: "v2 body",
      tags: ["v2"],
      lines: ["checkout"],
      reason: "update",
    });

    const read = await ok("get_document", { id, asOf: then });
    const search = async (filters: Record<string, unknown>) =>
      (
        (await ok("search_knowledge", { query: "asOf probe body", asOf: then, ...filters })).hits as {
          id: string;
          snippet: string;
        }[]
      ).map((hit) => [hit.id, hit.snippet]);

    expect(read).toMatchObject({ body: "v1 body", tags: ["v1"], lines: [], links: [], updatedAt: then });
    expect((read.revisions as unknown[]).length).toBe(1);
    expect(await search({ tags: ["v1"] })).toEqual([[id, "v1 **body**"]]);
    expect(await search({ tags: ["v2"] })).toEqual([]);
    expect(await search({ lines: ["checkout"] })).toEqual([]);
  });

  it("refuse prose captured as a transcript, saying what forms a transcript takes; nothing is written", async () => {
    const before = await documentCount();

    const text = await refused("capture_knowledge", {
      kind: "conversation",
      title: "plain2",
      body: "# Heading\n\nSome **markdown** notes.\n\n- item",
      transcript: true,
    });

    expect(text).toBe(
      'E_VALIDATION: capture_knowledge input is invalid: body: holds no turns (no WebVTT or SubRip cue, "Name: words" line or speaker heading): is it a transcript? Leave transcript out to store it as markdown',
    );
    expect(await documentCount()).toBe(before);
  });

  it("refuse an empty body once, as blank", async () => {
    const { id } = await ok("capture_knowledge", { kind: "note", title: "Kept", body: "Refunds." });

    expect(await refused("capture_knowledge", { kind: "note", title: "Empty", body: "" })).toBe(
      "E_VALIDATION: capture_knowledge input is invalid: body: body must not be blank",
    );
    expect(await refused("revise_knowledge", { id, reason: "cleared", body: "" })).toBe(
      "E_VALIDATION: revise_knowledge input is invalid: body: body must not be blank",
    );
  });

  it("refuse a link type starting uppercase, saying it must start lowercase and how to write it", async () => {
    const { id } = await ok("capture_knowledge", { kind: "note", title: "From", body: "Refunds." });
    const { id: target } = await ok("capture_knowledge", { kind: "note", title: "To", body: "Chargebacks." });

    expect(await refused("link_knowledge", { id, type: "RelatesTo", target })).toBe(
      "E_VALIDATION: link_knowledge input is invalid: type: link types start with a lowercase letter: write relatesTo",
    );
    expect(await refused("link_knowledge", { id, type: "relates to", target })).toBe(
      "E_VALIDATION: link_knowledge input is invalid: type: link types are one word of letters, digits or hyphens starting with a lowercase letter, such as relatesTo, informs, evidenceFor",
    );
  });
});
