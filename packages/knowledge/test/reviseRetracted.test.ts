import {
  DocumentRetractedError,
  KnowledgeBaseService,
  makeKnowledgeBaseShape,
} from "@software-factory/knowledge";
import * as Effect from "effect/Effect";
import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-revise-retracted-");
const source = { system: "test" };

/** What a call threw, or `undefined` when it resolved. */
const thrown = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("revising a retracted document", () => {
  it("is refused with DocumentRetractedError naming the document, and writes nothing", async () => {
    const doc = await temp.kb.capture({ kind: "note", title: "Retries", body: "We retry twice.", source });
    await temp.kb.retract(doc.id, "wrong");
    const head = await temp.log.head();

    const error = await thrown(temp.kb.revise(doc.id, { title: "Retries, corrected", reason: "typo" }));

    expect(error).toBeInstanceOf(DocumentRetractedError);
    expect(error).toMatchObject({ code: "E_RETRACTED", id: doc.id, reason: "wrong" });
    expect((error as DocumentRetractedError).message).toMatch(
      new RegExp(`^document ${doc.id} \\("Retries"\\) was retracted at .+ \\(wrong\\) and cannot be revised`),
    );
    expect(await temp.log.head()).toBe(head);
    expect((await temp.kb.get(doc.id))?.revisions).toHaveLength(1);
  });

  it("is refused even when the revision would change nothing", async () => {
    const doc = await temp.kb.capture({ kind: "note", title: "Retries", body: "We retry twice.", source });
    await temp.kb.retract(doc.id, "wrong");

    await expect(temp.kb.revise(doc.id, { title: "Retries" })).rejects.toBeInstanceOf(DocumentRetractedError);
  });

  it("fails the Effect face with the same typed error", async () => {
    const doc = await temp.kb.capture({ kind: "note", title: "Retries", body: "We retry twice.", source });
    await temp.kb.retract(doc.id, "wrong");
    const program = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      return yield* Effect.flip(kb.revise(doc.id, { body: "x" }));
    });

    const error = await Effect.runPromise(
      Effect.provideService(program, KnowledgeBaseService, makeKnowledgeBaseShape(temp.kb)),
    );

    expect(error).toMatchObject({ _tag: "DocumentRetractedError", id: doc.id });
  });

  it("leaves captureOrRevise capturing the source address afresh", async () => {
    const input = {
      kind: "note" as const,
      title: "Retries",
      body: "v1",
      source: { system: "s", uri: "a.md" },
    };
    const first = await temp.kb.captureOrRevise(input);
    await temp.kb.retract(first.document.id, "stale");

    const again = await temp.kb.captureOrRevise({ ...input, body: "v2" });

    expect(again.outcome).toBe("captured");
    expect(again.document.id).not.toBe(first.document.id);
  });
});
