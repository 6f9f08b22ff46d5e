/**
 * `capture_knowledge` keeps one document per source address (`source.system`
 * and `source.uri`), as the importers do: an agent that reads a page or a
 * call again and captures it again revises its document, where it used to
 * get a second one unless it reused an idempotencyKey.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("capture-same-source-test");

/** The answer of a call that must succeed. */
const ok = async (name: string, args: Record<string, unknown>) => {
  const result = await server.call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
};

/** A research note of the page at `uri`, with `args` added. */
const page = (uri: string, args: Record<string, unknown> = {}) => ({
  kind: "research",
  title: "Provider status page",
  body: "Card refunds settle in 5 days.",
  source: { system: "web", uri },
  lines: ["payments"],
  ...args,
});

/** The ids of the live documents titled `title`. */
const titled = async (title: string) => {
  const { documents } = (await ok("list_knowledge", { limit: 100 })) as {
    documents: { id: string; title: string }[];
  };
  return documents.filter((document) => document.title === title).map((document) => document.id);
};

describe("capture_knowledge of a source.uri captured before", () => {
  it("revises that document, says so in outcome, and records nothing when nothing changed", async () => {
    const uri = "https://status.example.com/refunds";
    const first = await ok("capture_knowledge", page(uri));
    expect(first).toMatchObject({ outcome: "captured", revision: 1 });

    const again = await ok(
      "capture_knowledge",
      page(uri, { body: "Card refunds settle in 3 days.", tags: ["refunds"] }),
    );
    expect(again).toMatchObject({ id: first.id, outcome: "revised", revision: 2 });
    const document = await ok("get_document", { id: first.id });
    expect(document).toMatchObject({ body: "Card refunds settle in 3 days.", tags: ["refunds"] });
    expect((document.revisions as { reason?: string }[])[1]?.reason).toBe(
      "captured again from its source (capture_knowledge)",
    );

    const same = await ok(
      "capture_knowledge",
      page(uri, { body: "Card refunds settle in 3 days.", tags: ["refunds"] }),
    );
    expect(same).toEqual({ id: first.id, seq: again.seq, revision: 2, outcome: "unchanged" });
    expect(await titled("Provider status page")).toEqual([first.id]);
  });

  it("adds the links the document has not yet, and keeps those it has", async () => {
    const uri = "https://status.example.com/linked";
    const other = await ok("capture_knowledge", { kind: "note", title: "Refund policy", body: "Refunds." });
    const link = { type: "relatesTo", target: other.id };
    const first = await ok("capture_knowledge", page(uri, { title: "Linked page" }));
    const again = await ok("capture_knowledge", page(uri, { title: "Linked page", links: [link] }));
    expect(again).toMatchObject({ id: first.id, outcome: "revised", revision: 1 });
    expect((await ok("get_document", { id: first.id })).links).toEqual([link]);
    const same = await ok("capture_knowledge", page(uri, { title: "Linked page", links: [link] }));
    expect(same).toMatchObject({ id: first.id, seq: again.seq, outcome: "unchanged" });
  });

  it("captures anew when the document of that uri was retracted, or the uri is of another system", async () => {
    const uri = "https://status.example.com/retracted";
    const first = await ok("capture_knowledge", page(uri, { title: "Retracted page" }));
    await ok("retract_knowledge", { id: first.id, reason: "wrong page" });
    const anew = await ok("capture_knowledge", page(uri, { title: "Retracted page" }));
    expect(anew).toMatchObject({ outcome: "captured", revision: 1 });
    expect(anew.id).not.toBe(first.id);

    const elsewhere = await ok(
      "capture_knowledge",
      page(uri, { title: "Retracted page", source: { system: "notes", uri } }),
    );
    expect(elsewhere.outcome).toBe("captured");
    expect(await titled("Retracted page")).toEqual([elsewhere.id, anew.id]);
  });

  it("captures twice without a uri, as before: a document per call", async () => {
    const note = { kind: "note", title: "No address", body: "Said in a call." };
    const first = await ok("capture_knowledge", note);
    const second = await ok("capture_knowledge", note);
    expect([first.outcome, second.outcome]).toEqual(["captured", "captured"]);
    expect(second.id).not.toBe(first.id);
  });

  it("refuses another kind or a new supersedes, naming them, since it would revise; nothing is written", async () => {
    const uri = "https://status.example.com/kinds";
    const first = await ok("capture_knowledge", page(uri, { title: "Kinds page" }));
    const older = await ok("capture_knowledge", { kind: "note", title: "Older", body: "Older text." });
    const text = await server.refused(
      "capture_knowledge",
      page(uri, { title: "Kinds page", kind: "insight", supersedes: [older.id], body: "New." }),
    );
    expect(text).toBe(
      `E_VALIDATION: capture_knowledge input is invalid: kind: document ${first.id} holds this source.uri, and capturing it again revises that document, which keeps its kind: give kind "research", or retract ${first.id} first to capture it anew; supersedes[0]: document ${first.id} holds this source.uri, and capturing it again revises that document, and a revision supersedes nothing: leave "${older.id}" out, or retract ${first.id} first to capture it anew`,
    );
    expect(await ok("get_document", { id: first.id })).toMatchObject({
      body: "Card refunds settle in 5 days.",
      kind: "research",
    });
    expect((await ok("get_document", { id: older.id })).supersededBy).toBeUndefined();
  });

  it("repeats a superseding capture of the same uri as unchanged, the supersession kept", async () => {
    const uri = "https://status.example.com/superseding";
    const older = await ok("capture_knowledge", { kind: "research", title: "Old page", body: "Old." });
    const args = page(uri, { title: "Superseding page", supersedes: [older.id] });
    const first = await ok("capture_knowledge", args);
    const again = await ok("capture_knowledge", args);
    expect(again).toMatchObject({ id: first.id, seq: first.seq, outcome: "unchanged" });
    expect((await ok("get_document", { id: older.id })).supersededBy).toMatchObject({ id: first.id });
  });
});

describe("capture_knowledge of a source.uri with an idempotencyKey", () => {
  it("writes the key's capture once: a retry answers its document, also after it was revised", async () => {
    const uri = "https://status.example.com/keyed";
    const args = page(uri, { title: "Keyed page", idempotencyKey: "capture-keyed-page" });
    const first = await ok("capture_knowledge", args);
    const retry = await ok("capture_knowledge", args);
    expect(retry).toEqual(first);

    const revised = await ok("revise_knowledge", { id: first.id, body: "Corrected.", reason: "typo" });
    const late = await ok("capture_knowledge", args);
    expect(late).toEqual({ id: first.id, seq: revised.seq, revision: 2, outcome: "captured" });
    expect(await titled("Keyed page")).toEqual([first.id]);
    expect((await ok("get_document", { id: first.id })).body).toBe("Corrected.");
  });

  it("revises with a new key, and refuses a key used before for other content", async () => {
    const uri = "https://status.example.com/rekeyed";
    const first = await ok("capture_knowledge", page(uri, { title: "Rekeyed page", idempotencyKey: "rk-1" }));
    const again = await ok(
      "capture_knowledge",
      page(uri, { title: "Rekeyed page", body: "Settle in 2 days.", idempotencyKey: "rk-2" }),
    );
    expect(again).toMatchObject({ id: first.id, outcome: "revised", revision: 2 });
    const text = await server.refused(
      "capture_knowledge",
      page(uri, { title: "Rekeyed page", body: "Settle in 9 days.", idempotencyKey: "rk-1" }),
    );
    expect(text).toMatch(/^E_IDEMPOTENCY_CONFLICT: idempotency key "rk-1" was already used/);
    expect((await ok("get_document", { id: first.id })).body).toBe("Settle in 2 days.");
  });
});
