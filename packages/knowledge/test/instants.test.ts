import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-instants-");

const ids = (result: { hits: readonly { document: { id: string } }[] }) =>
  result.hits.map((hit) => hit.document.id);

describe("instants with offsets", () => {
  it("are stored as UTC, so validity and as-of compare by time, not by text", async () => {
    // 02:00 in Paris is midnight UTC: earlier than 00:30Z, though "T02:00+02:00" sorts after "T00:30Z" as text.
    const doc = await temp.kb.capture({
      kind: "note",
      title: "Freeze window",
      body: "Deploys are frozen during the migration.",
      source: { system: "ops" },
      validFrom: "2026-03-01T02:00:00+02:00",
      validTo: "2026-03-01T03:00:00+02:00",
    });
    expect(doc.validFrom).toBe("2026-03-01T00:00:00.000Z");
    expect(doc.validTo).toBe("2026-03-01T01:00:00.000Z");

    const during = await temp.kb.search("deploys frozen", { asOf: "2026-03-01T00:30:00Z" });
    const justAfter = await temp.kb.search("deploys frozen", { asOf: "2026-03-01T02:30:00+01:00" });
    expect(ids(during)).toEqual([doc.id]);
    expect(ids(justAfter)).toEqual([]);
  });

  it("filter by capture time across offsets, and a bad instant is named", async () => {
    const early = await temp.kb.capture({
      kind: "conversation",
      title: "Call with Acme",
      body: "Acme asks for invoice exports.",
      source: { system: "calls", capturedAt: "2026-02-01T23:30:00-05:00" }, // 04:30Z on Feb 2
    });
    const late = await temp.kb.capture({
      kind: "conversation",
      title: "Call with Globex",
      body: "Globex asks for invoice exports too.",
      source: { system: "calls", capturedAt: "2026-02-02T06:00:00Z" },
    });

    const feb2 = { from: "2026-02-02T00:00:00Z", to: "2026-02-02T05:00:00+00:00", current: false };
    expect(ids(await temp.kb.search("invoice exports", feb2))).toEqual([early.id]);
    expect(ids(await temp.kb.search("invoice exports", { from: "2026-02-02T06:00:00.000+00:00" }))).toEqual([
      late.id,
    ]);
    await expect(temp.kb.search("invoice exports", { from: "yesterday" })).rejects.toThrow(
      /from.*must be an ISO 8601 instant/,
    );
  });
});
