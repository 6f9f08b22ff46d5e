/**
 * `captureOrRevise` with an idempotency key keeps what a key promises (a
 * retry answers the first write, a key reused for other content is refused)
 * and still keeps one document per source address when two writers with
 * different keys capture it at once (made deterministic here: a second
 * knowledge base on its own connection captures just before the writer's
 * capture reaches the file).
 */
import { IdempotencyConflictError } from "@software-factory/core";
import { DocumentCaptured, KnowledgeBaseService, makeKnowledgeBaseShape } from "@software-factory/knowledge";
import * as Effect from "effect/Effect";
import { describe, expect, it } from "vitest";
import { useRacingKnowledgeBases } from "./fixtures/racingKnowledgeBases.js";

const note = (body: string) => ({
  kind: "note" as const,
  title: "Retries",
  body,
  source: { system: "notes", uri: "retries.md" },
});

describe("captureOrRevise with an idempotency key", () => {
  const race = useRacingKnowledgeBases("factory-kb-keyed-capture-or-revise-");

  it("keeps one document when another writer with another key captures the address first", async () => {
    race.before(DocumentCaptured.type, () =>
      race.other.captureOrRevise(note("Retry twice."), { idempotencyKey: "other" }),
    );

    const written = await race.writer.captureOrRevise(note("Retry three times."), {
      idempotencyKey: "writer",
    });

    expect(written.outcome).toBe("revised");
    const documents = await race.writer.fromSystem("notes");
    expect(documents.map((document) => document.id)).toEqual([written.document.id]);
    expect(written.document.revisions.map((revision) => revision.body)).toEqual([
      "Retry twice.",
      "Retry three times.",
    ]);
  });

  it("answers a retry with the key of its capture with that document, writing nothing, also after a revision", async () => {
    const first = await race.writer.captureOrRevise(note("Retry twice."), { idempotencyKey: "capture-1" });
    await race.writer.captureOrRevise(note("Retry three times."));
    const head = await race.writerLog.head();

    const retry = await race.writer.captureOrRevise(note("Retry twice."), { idempotencyKey: "capture-1" });

    expect(retry.outcome).toBe("captured");
    expect(retry.document.id).toBe(first.document.id);
    expect(retry.document.body).toBe("Retry three times.");
    expect(await race.writerLog.head()).toBe(head);
  });

  it("refuses a key reused for other content, whether it captured or revised, writing nothing", async () => {
    await race.writer.captureOrRevise(note("Retry twice."), { idempotencyKey: "capture-1" });
    await race.writer.captureOrRevise(note("Retry three times."), { idempotencyKey: "revise-1" });
    const head = await race.writerLog.head();

    const captured = race.writer.captureOrRevise(note("Retry once."), { idempotencyKey: "capture-1" });
    await expect(captured).rejects.toThrow(IdempotencyConflictError);
    await expect(captured).rejects.toThrow(
      /idempotency key "capture-1" was already used to capture a different/,
    );
    const revised = race.writer.captureOrRevise(note("Retry once."), { idempotencyKey: "revise-1" });
    await expect(revised).rejects.toThrow(/idempotency key "revise-1" was already used for another write/);
    expect(await race.writerLog.head()).toBe(head);
  });

  it("refuses the key of its capture for another write, as the log refuses a plain capture's key", async () => {
    const { document } = await race.writer.captureOrRevise(note("Retry twice."), {
      idempotencyKey: "capture-1",
    });
    const head = await race.writerLog.head();

    await expect(
      race.writer.revise(document.id, { body: "Retry once." }, { idempotencyKey: "capture-1" }),
    ).rejects.toThrow(
      `idempotency key "capture-1" was already used for another write, not to revise ${document.id}; use a new key`,
    );
    await expect(
      race.writer.retract(document.id, "wrong page", { idempotencyKey: "capture-1" }),
    ).rejects.toThrow(IdempotencyConflictError);
    expect(await race.writerLog.head()).toBe(head);
  });

  it("takes the key in the Effect face too", async () => {
    const shape = makeKnowledgeBaseShape(race.writer);
    const write = (body: string) =>
      Effect.runPromise(
        Effect.gen(function* () {
          const kb = yield* KnowledgeBaseService;
          return yield* kb.captureOrRevise(note(body), { idempotencyKey: "effect-1" });
        }).pipe(Effect.provideService(KnowledgeBaseService, shape)),
      );
    const first = await write("Retry twice.");
    await race.writer.captureOrRevise(note("Retry three times."));
    const retry = await write("Retry twice.");
    expect(retry).toMatchObject({ outcome: "captured", document: { id: first.document.id } });
  });
});
