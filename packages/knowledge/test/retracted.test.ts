/**
 * A retraction cannot be undone, so no write builds on a retracted document:
 * revising, linking, unlinking or superseding it, a new link to it, and a
 * keyed retry of a supersede whose replacement was retracted since are
 * refused with `DocumentRetractedError` (`E_RETRACTED`) and write nothing.
 * Each write decides and appends as one step against the log's head, so a
 * retraction landing between its read and its append (made deterministic
 * here: a second knowledge base on its own connection retracts just before
 * the writer's events reach the file) is not overtaken.
 */
import {
  DocumentCaptured,
  DocumentLinked,
  DocumentRetractedError,
  DocumentRevised,
  KnowledgeBaseService,
  makeKnowledgeBaseShape,
} from "@software-factory/knowledge";
import * as Effect from "effect/Effect";
import { describe, expect, it } from "vitest";
import { useRacingKnowledgeBases } from "./fixtures/racingKnowledgeBases.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const source = { system: "test" };
const note = (title: string, body: string) => ({ kind: "note" as const, title, body, source });

/** What a call threw, or `undefined` when it resolved. */
const thrown = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("a write on a retracted document", () => {
  const temp = useTempKnowledgeBase("factory-kb-retracted-writes-");

  /** A document linked to another one, then retracted. */
  async function retractedWithLink() {
    const other = await temp.kb.capture(note("Timeouts", "30 s."));
    const link = { type: "relatesTo", target: other.id } as const;
    const doc = await temp.kb.capture({ ...note("Retries", "Twice."), links: [link] });
    await temp.kb.retract(doc.id, "wrong");
    return { doc, other, link };
  }

  it("refuses revise with DocumentRetractedError naming the document, and writes nothing", async () => {
    const doc = await temp.kb.capture(note("Retries", "We retry twice."));
    await temp.kb.retract(doc.id, "wrong");
    const head = await temp.log.head();

    const error = await thrown(temp.kb.revise(doc.id, { title: "Retries, corrected", reason: "typo" }));

    expect(error).toBeInstanceOf(DocumentRetractedError);
    expect(error).toMatchObject({ code: "E_RETRACTED", id: doc.id, reason: "wrong" });
    expect(error).not.toHaveProperty("field");
    expect((error as DocumentRetractedError).message).toMatch(
      new RegExp(`^document ${doc.id} \\("Retries"\\) was retracted at .+ \\(wrong\\) and cannot be revised`),
    );
    expect(await temp.log.head()).toBe(head);
    expect((await temp.kb.get(doc.id))?.revisions).toHaveLength(1);
  });

  it("refuses revise even when the revision would change nothing", async () => {
    const doc = await temp.kb.capture(note("Retries", "We retry twice."));
    await temp.kb.retract(doc.id, "wrong");

    await expect(temp.kb.revise(doc.id, { title: "Retries" })).rejects.toBeInstanceOf(DocumentRetractedError);
  });

  it("fails the Effect face's revise with the same typed error", async () => {
    const doc = await temp.kb.capture(note("Retries", "We retry twice."));
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
    const input = { ...note("Retries", "v1"), source: { system: "s", uri: "a.md" } };
    const first = await temp.kb.captureOrRevise(input);
    await temp.kb.retract(first.document.id, "stale");

    const again = await temp.kb.captureOrRevise({ ...input, body: "v2" });

    expect(again.outcome).toBe("captured");
    expect(again.document.id).not.toBe(first.document.id);
  });

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

  it("refuses a capture or supersede that would supersede it, naming the field, and writes nothing", async () => {
    const { doc } = await retractedWithLink();
    const head = await temp.log.head();
    const replacement = note("Retries v2", "Three times.");

    const captured = await thrown(temp.kb.capture({ ...replacement, supersedes: [doc.id] }));
    const superseded = await thrown(temp.kb.supersede(doc.id, replacement));

    for (const error of [captured, superseded]) {
      expect(error).toBeInstanceOf(DocumentRetractedError);
      expect(error).toMatchObject({ id: doc.id, field: "supersedes[0]" });
      expect((error as Error).message).toMatch(/and cannot be superseded; capture a new document instead$/);
    }
    expect(await temp.log.head()).toBe(head);
    expect((await temp.kb.get(doc.id))?.supersededBy).toBeUndefined();
  });

  it("still links and unlinks a document that is not retracted", async () => {
    const other = await temp.kb.capture(note("Timeouts", "30 s."));
    const doc = await temp.kb.capture(note("Retries", "Twice."));
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

describe("a new link to a retracted document", () => {
  const temp = useTempKnowledgeBase("factory-kb-retracted-targets-");

  /** A retracted document, a document in force, and the log's head after both. */
  async function retractedTarget() {
    const target = await temp.kb.capture(note("Timeouts", "30 s."));
    await temp.kb.retract(target.id, "wrong");
    const doc = await temp.kb.capture(note("Retries", "Twice."));
    return { target, doc, head: await temp.log.head() };
  }

  it("is refused by link, naming the target and the field, and nothing is written", async () => {
    const { target, doc, head } = await retractedTarget();

    const error = await thrown(temp.kb.link(doc.id, { type: "dependsOn", target: target.id }));

    expect(error).toBeInstanceOf(DocumentRetractedError);
    expect(error).toMatchObject({ code: "E_RETRACTED", id: target.id, reason: "wrong", field: "target" });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^link of ${doc.id}: target names document ${target.id} \\("Timeouts"\\), which was retracted at .+ \\(wrong\\) and cannot be linked to; link a document in force instead$`,
      ),
    );
    expect(await temp.log.head()).toBe(head);
    expect((await temp.kb.get(doc.id))?.links).toEqual([]);
  });

  it("is refused in the links of capture, supersede, recordDecision and captureOrRevise, naming the link", async () => {
    const { target, doc, head } = await retractedTarget();
    const links = [
      { type: "evidenceFor", target: "artifact-7" },
      { type: "relatesTo", target: target.id },
    ];

    const errors = [
      await thrown(temp.kb.capture({ ...note("Retries v2", "Thrice."), links })),
      await thrown(temp.kb.supersede(doc.id, { ...note("Retries v2", "Thrice."), links })),
      await thrown(
        temp.kb.recordDecision({
          title: "Retry with backoff",
          context: "Payments fail under load.",
          decision: "Retry three times with backoff.",
          source,
          links,
        }),
      ),
      await thrown(
        temp.kb.captureOrRevise({
          ...note("Retries v2", "Thrice."),
          source: { system: "s", uri: "r.md" },
          links,
        }),
      ),
    ];

    for (const error of errors) {
      expect(error).toBeInstanceOf(DocumentRetractedError);
      expect(error).toMatchObject({ id: target.id, field: "links[1].target" });
      expect((error as Error).message).toMatch(
        new RegExp(`^document: links\\[1\\]\\.target names document ${target.id} \\("Timeouts"\\)`),
      );
    }
    expect(await temp.log.head()).toBe(head);
    expect((await temp.kb.get(doc.id))?.supersededBy).toBeUndefined();
  });

  it("keeps the links made before the target was retracted, and still removes them", async () => {
    const target = await temp.kb.capture(note("Timeouts", "30 s."));
    const link = { type: "relatesTo", target: target.id } as const;
    const captured = await temp.kb.capture({ ...note("Retries", "Twice."), links: [link] });
    const linked = await temp.kb.capture(note("Backoff", "Doubling."));
    await temp.kb.link(linked.id, link);

    await temp.kb.retract(target.id, "wrong");

    expect((await temp.kb.get(captured.id))?.links).toEqual([link]);
    expect((await temp.kb.get(linked.id))?.links).toEqual([link]);
    expect((await temp.kb.unlink(linked.id, link)).links).toEqual([]);
  });

  it("still accepts links to documents in force and to ids that name no document", async () => {
    const target = await temp.kb.capture(note("Timeouts", "30 s."));
    const links = [
      { type: "relatesTo", target: target.id },
      { type: "evidenceFor", target: "artifact-7" },
    ];

    const doc = await temp.kb.capture({ ...note("Retries", "Twice."), links });

    expect(doc.links).toEqual(links);
    expect((await temp.kb.link(doc.id, { type: "implements", target: "req-1" })).links).toHaveLength(3);
  });
});

describe("a supersede whose replacement is retracted", () => {
  const temp = useTempKnowledgeBase("factory-kb-retracted-replacement-");

  it("is refused when retried by its idempotency key, naming the replacement, and nothing is written", async () => {
    const old = await temp.kb.capture(note("Retries", "Twice."));
    const replacement = note("Retries v2", "Three times.");
    const first = await temp.kb.supersede(old.id, replacement, { idempotencyKey: "retries-v2" });
    expect((await temp.kb.supersede(old.id, replacement, { idempotencyKey: "retries-v2" })).id).toBe(
      first.id,
    );
    await temp.kb.retract(first.id, "wrong");
    const head = await temp.log.head();

    const error = await thrown(temp.kb.supersede(old.id, replacement, { idempotencyKey: "retries-v2" }));

    expect(error).toBeInstanceOf(DocumentRetractedError);
    expect(error).toMatchObject({ code: "E_RETRACTED", id: first.id, reason: "wrong" });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^the replacement ${first.id} \\("Retries v2"\\) that idempotency key "retries-v2" captured was retracted at .+ \\(wrong\\)`,
      ),
    );
    expect(await temp.log.head()).toBe(head);
  });

  it("leaves a keyed retry of a capture that superseded nothing returning the retracted document", async () => {
    const doc = await temp.kb.capture(note("Retries", "Twice."), { idempotencyKey: "retries" });
    await temp.kb.retract(doc.id, "wrong");

    const again = await temp.kb.capture(note("Retries", "Twice."), { idempotencyKey: "retries" });

    expect(again).toMatchObject({ id: doc.id, retracted: { reason: "wrong" } });
  });
});

describe("a retraction landing between a write's read and its append", () => {
  const race = useRacingKnowledgeBases("factory-kb-retraction-race-");

  /**
   * Arms the race: just before the writer's next append of a `type` event,
   * the other knowledge base retracts `id`. Returns the log's head once it has.
   */
  function retractInTheRace(type: string, id: string): () => number {
    let head = 0;
    race.before(type, async () => {
      await race.other.retract(id, "wrong");
      head = await race.otherLog.head();
    });
    return () => head;
  }

  it("makes revise refuse with DocumentRetractedError and write no revision", async () => {
    const doc = await race.writer.capture(note("Retries", "Twice."));
    const head = retractInTheRace(DocumentRevised.type, doc.id);

    const error = await thrown(race.writer.revise(doc.id, { body: "Three times." }));

    expect(error).toBeInstanceOf(DocumentRetractedError);
    expect(error).toMatchObject({ code: "E_RETRACTED", id: doc.id, reason: "wrong" });
    expect(await race.writerLog.head()).toBe(head());
    expect((await race.writer.get(doc.id))?.revisions).toHaveLength(1);
  });

  it("makes a capture and a recorded decision that supersede it refuse, writing nothing", async () => {
    const doc = await race.writer.capture(note("Retries", "Twice."));
    const captureHead = retractInTheRace(DocumentCaptured.type, doc.id);
    const captured = await thrown(
      race.writer.capture({ ...note("Retries v2", "Thrice."), supersedes: [doc.id] }),
    );
    expect(captured).toBeInstanceOf(DocumentRetractedError);
    expect((captured as Error).message).toMatch(/and cannot be superseded; capture a new document instead$/);
    expect(await race.writerLog.head()).toBe(captureHead());

    const decided = await race.writer.recordDecision({
      title: "Retries",
      context: "Payments fail under load.",
      decision: "Retry twice.",
      source,
    });
    const decisionHead = retractInTheRace(DocumentCaptured.type, decided.id);
    const recorded = await thrown(
      race.writer.recordDecision({
        title: "Retry with backoff",
        context: "Payments fail under load.",
        decision: "Retry three times with backoff.",
        source,
        supersedes: [decided.id],
      }),
    );
    expect(recorded).toBeInstanceOf(DocumentRetractedError);
    expect(await race.writerLog.head()).toBe(decisionHead());
    expect((await race.writer.get(decided.id))?.supersededBy).toBeUndefined();
  });

  it("makes captureOrRevise capture the source address afresh instead of revising the retracted one", async () => {
    const input = { ...note("Retries", "Twice."), source: { system: "notes", uri: "retries.md" } };
    const first = await race.writer.captureOrRevise(input);
    race.before(DocumentRevised.type, () => race.other.retract(first.document.id, "wrong"));

    const again = await race.writer.captureOrRevise({ ...input, body: "Three times." });

    expect(again.outcome).toBe("captured");
    expect(again.document.id).not.toBe(first.document.id);
    expect((await race.writer.get(first.document.id))?.revisions).toHaveLength(1);
  });

  it("makes link refuse a link to the target retracted meanwhile, writing nothing", async () => {
    const target = await race.writer.capture(note("Timeouts", "30 s."));
    const doc = await race.writer.capture(note("Retries", "Twice."));
    const head = retractInTheRace(DocumentLinked.type, target.id);

    const error = await thrown(race.writer.link(doc.id, { type: "relatesTo", target: target.id }));

    expect(error).toBeInstanceOf(DocumentRetractedError);
    expect(error).toMatchObject({ id: target.id, field: "target" });
    expect(await race.writerLog.head()).toBe(head());
    expect((await race.writer.get(doc.id))?.links).toEqual([]);
  });

  it("makes a capture refuse a link to the target retracted meanwhile, writing nothing", async () => {
    const target = await race.writer.capture(note("Timeouts", "30 s."));
    const head = retractInTheRace(DocumentCaptured.type, target.id);

    const error = await thrown(
      race.writer.capture({
        ...note("Retries", "Twice."),
        links: [{ type: "relatesTo", target: target.id }],
      }),
    );

    expect(error).toBeInstanceOf(DocumentRetractedError);
    expect(error).toMatchObject({ id: target.id, field: "links[0].target" });
    expect(await race.writerLog.head()).toBe(head());
    expect((await race.writer.fromSystem("test")).map((document) => document.id)).toEqual([target.id]);
  });
});
