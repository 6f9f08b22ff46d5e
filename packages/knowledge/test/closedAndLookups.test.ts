import { ClosedError, NotFoundError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-closed-");
const source = { system: "test" };

describe("a closed knowledge base", () => {
  it("refuses every read and write with ClosedError (E_CLOSED)", async () => {
    const doc = await temp.kb.capture({ kind: "note", title: "Retries", body: "We retry twice.", source });
    await temp.kb.close();
    const link = { type: "relatesTo", target: "doc_other" };
    const calls: [string, () => Promise<unknown>][] = [
      ["sync", () => temp.kb.sync()],
      ["search", () => temp.kb.search("retry")],
      ["get", () => temp.kb.get(doc.id)],
      ["list", () => temp.kb.list()],
      ["bySource", () => temp.kb.bySource("test", "a.md")],
      ["fromSystem", () => temp.kb.fromSystem("test")],
      ["linksTo", () => temp.kb.linksTo(doc.id)],
      ["capture", () => temp.kb.capture({ kind: "note", title: "T", body: "b", source })],
      [
        "captureOrRevise",
        () =>
          temp.kb.captureOrRevise({ kind: "note", title: "T", body: "b", source: { system: "s", uri: "u" } }),
      ],
      [
        "recordDecision",
        () => temp.kb.recordDecision({ title: "D", context: "c", options: [], decision: "d", source }),
      ],
      ["revise", () => temp.kb.revise(doc.id, { body: "x" })],
      ["supersede", () => temp.kb.supersede(doc.id, { kind: "note", title: "T", body: "b", source })],
      ["link", () => temp.kb.link(doc.id, link)],
      ["unlink", () => temp.kb.unlink(doc.id, link)],
      ["retract", () => temp.kb.retract(doc.id, "gone")],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect({ name, error }).toMatchObject({ name, error: expect.any(ClosedError) });
      expect((error as ClosedError).code).toBe("E_CLOSED");
    }
  });
});

describe("lookups and retraction", () => {
  it("retracts once: a second retraction returns the document as it is and writes nothing", async () => {
    const doc = await temp.kb.capture({ kind: "note", title: "Retries", body: "We retry twice.", source });
    const first = await temp.kb.retract(doc.id, "wrong");
    const head = await temp.log.head();

    const second = await temp.kb.retract(doc.id, "another reason");

    expect(second.retracted).toEqual(first.retracted);
    expect(second.retracted?.reason).toBe("wrong");
    expect(await temp.log.head()).toBe(head);
  });

  it("gives undefined for an unknown id on get, where a write to it throws NotFoundError", async () => {
    expect(await temp.kb.get("doc_nope")).toBeUndefined();
    await expect(temp.kb.revise("doc_nope", { body: "x" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(temp.kb.retract("doc_nope", "gone")).rejects.toBeInstanceOf(NotFoundError);
  });
});
