/**
 * A retraction cannot be undone, so every write that would change a retracted
 * document (link, unlink, supersede, as revise already) is refused with
 * `DocumentRetractedError` and writes nothing.
 */
import {
  DocumentRetractedError,
  KnowledgeBaseService,
  makeKnowledgeBaseShape,
} from "@software-factory/knowledge";
import * as Effect from "effect/Effect";
import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-retracted-writes-");
const source = { system: "test" };

/** What a call threw, or `undefined` when it resolved. */
const thrown = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

/** A document linked to another one, then retracted. */
async function retractedWithLink() {
  const other = await temp.kb.capture({ kind: "note", title: "Timeouts", body: "30 s.", source });
  const link = { type: "relatesTo", target: other.id } as const;
  const doc = await temp.kb.capture({
    kind: "note",
    title: "Retries",
    body: "Twice.",
    source,
    links: [link],
  });
  await temp.kb.retract(doc.id, "wrong");
  return { doc, other, link };
}

describe("a write on a retracted document", () => {
  it("refuses link and unlink naming the document, and writes nothing", async () => {
    const { doc, other, link } = await retractedWithLink();
    const head = await temp.log.head();

    const linked = await thrown(temp.kb.link(doc.id, { type: "dependsOn", target: other.id }));
    const unlinked = await thrown(temp.kb.unlink(doc.id, link));

    expect(linked).toBeInstanceOf(DocumentRetractedError);
    expect(linked).toMatchObject({ code: "E_RETRACTED", id: doc.id, reason: "wrong" });
    expect((linked as Error).message).toMatch(
      new RegExp(`^document ${doc.id} \\("Retries"\\) was retracted at .+ \\(wrong\\) and cannot be linked;`),
    );
    expect(unlinked).toBeInstanceOf(DocumentRetractedError);
    expect((unlinked as Error).message).toMatch(/and cannot be unlinked; capture a new document instead$/);
    expect(await temp.log.head()).toBe(head);
    expect((await temp.kb.get(doc.id))?.links).toEqual([link]);
  });

  it("refuses a capture or supersede that would supersede it, and writes nothing", async () => {
    const { doc } = await retractedWithLink();
    const head = await temp.log.head();
    const replacement = { kind: "note" as const, title: "Retries v2", body: "Three times.", source };

    const captured = await thrown(temp.kb.capture({ ...replacement, supersedes: [doc.id] }));
    const superseded = await thrown(temp.kb.supersede(doc.id, replacement));

    for (const error of [captured, superseded]) {
      expect(error).toBeInstanceOf(DocumentRetractedError);
      expect((error as Error).message).toMatch(/and cannot be superseded; capture a new document instead$/);
    }
    expect(await temp.log.head()).toBe(head);
    expect((await temp.kb.get(doc.id))?.supersededBy).toBeUndefined();
  });

  it("still links and unlinks a document that is not retracted", async () => {
    const other = await temp.kb.capture({ kind: "note", title: "Timeouts", body: "30 s.", source });
    const doc = await temp.kb.capture({ kind: "note", title: "Retries", body: "Twice.", source });
    const link = { type: "relatesTo", target: other.id } as const;

    expect((await temp.kb.link(doc.id, link)).links).toEqual([link]);
    expect((await temp.kb.unlink(doc.id, link)).links).toEqual([]);
  });

  it("fails the Effect face's link with the same typed error", async () => {
    const { doc, other } = await retractedWithLink();
    const program = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      return yield* Effect.flip(kb.link(doc.id, { type: "dependsOn", target: other.id }));
    });

    const error = await Effect.runPromise(
      Effect.provideService(program, KnowledgeBaseService, makeKnowledgeBaseShape(temp.kb)),
    );

    expect(error).toMatchObject({ _tag: "DocumentRetractedError", id: doc.id });
  });
});
