/**
 * A typo'd key in a knowledge input is refused with a ValidationError naming
 * it, and nothing is written: the writes (capture, captureOrRevise, revise,
 * recordDecision, link) name the keys the input takes, and so do search, list
 * and get options, on the Promise and the Effect face.
 * Before, the key was dropped: the document was written without it (`line`
 * for `lines` gave no lines) and a search or list went unfiltered.
 */
import { join } from "node:path";
import { EventLogService, ValidationError } from "@software-factory/core";
import { Effect, Layer } from "effect";
import { describe, expect, it } from "vitest";
import { createOpenAiEmbedder, createTransformersEmbedder, KnowledgeBaseService } from "../src/index.js";
import { refused } from "./fixtures/refusedWrite.js";
import { note } from "./fixtures/retriesNote.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("knowledge-strict-inputs-");

/** The Effect face's knowledge base over a log of its own in the test's temp folder. */
function effectLayer() {
  return KnowledgeBaseService.layer({ dir: join(temp.dir, "effect-cache") }).pipe(
    Layer.provide(EventLogService.layer({ path: join(temp.dir, "effect.db") })),
  );
}

describe("knowledge write inputs with an unknown key", () => {
  it("refuses a capture with line for lines, naming the key and the keys it takes", async () => {
    const error = await refused(temp.log, () => temp.kb.capture({ ...note, line: ["checkout"] } as never));
    expect(error.message).toBe(
      'document is invalid: (root): unknown key "line"; the keys are kind, title, body, source, tags, lines, links, validFrom, validTo, supersedes, decision',
    );
  });

  it("refuses an unknown key inside a capture's source, link or decision option", async () => {
    const source = await refused(temp.log, () =>
      temp.kb.capture({ ...note, source: { system: "test", url: "https://x" } } as never),
    );
    expect(source.issues).toEqual([
      { path: "source", message: 'unknown key "url"; the keys are system, uri, author, capturedAt' },
    ]);
    const link = await refused(temp.log, () =>
      temp.kb.capture({ ...note, links: [{ type: "informs", target: "doc_x", note: "x" }] } as never),
    );
    expect(link.issues).toEqual([
      { path: "links[0]", message: 'unknown key "note"; the keys are type, target' },
    ]);
    const option = await refused(temp.log, () =>
      temp.kb.recordDecision({
        title: "Queue",
        context: "We need a queue",
        decision: "SQS",
        source: { system: "test" },
        options: [{ title: "SQS", pro: ["managed"] }],
      } as never),
    );
    expect(option.issues).toEqual([
      { path: "options[0]", message: 'unknown key "pro"; the keys are title, pros, cons' },
    ]);
  });

  it("refuses a sourced capture, a revision and a decision with a typo'd key", async () => {
    const sourced = await refused(temp.log, () =>
      temp.kb.captureOrRevise({ ...note, source: { system: "test", uri: "a.md" }, tag: ["x"] } as never),
    );
    expect(sourced.message).toContain('unknown key "tag"');
    const doc = await temp.kb.capture(note);
    const revision = await refused(temp.log, () => temp.kb.revise(doc.id, { line: ["checkout"] } as never));
    expect(revision.message).toContain('(root): unknown key "line"');
    expect((await temp.kb.get(doc.id))?.lines).toEqual([]);
    const decision = await refused(temp.log, () =>
      temp.kb.recordDecision({
        title: "Queue",
        context: "We need a queue",
        decision: "SQS",
        source: { system: "test" },
        consequence: "one more service",
      } as never),
    );
    expect(decision.message).toContain('unknown key "consequence"');
  });

  it("refuses a link with an unknown key", async () => {
    const doc = await temp.kb.capture(note);
    const error = await refused(temp.log, () =>
      temp.kb.link(doc.id, { type: "informs", target: "doc_x", why: "x" } as never),
    );
    expect(error.message).toBe(
      `link of ${doc.id} is invalid: (root): unknown key "why"; the keys are type, target`,
    );
  });

  it("still captures with only known keys, lines included", async () => {
    const doc = await temp.kb.capture({ ...note, lines: ["checkout"] });
    expect(doc.lines).toEqual(["checkout"]);
  });
});

describe("search options", () => {
  it("refuses an unknown option (kind for kinds) with a ValidationError naming the key, instead of ignoring it", async () => {
    await temp.kb.capture(note);
    const refused = temp.kb.search("retry", { kind: "decision" } as never);
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(temp.kb.search("retry", { kind: "decision" } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      code: "E_VALIDATION",
      message:
        'search options is invalid: (root): unknown key "kind"; the keys are limit, offset, kinds, lines, unfiledToo, tags, authors, from, to, current, asOf, budgetTokens, collapse, mode, highlight, signal',
    });
  });

  it("refuses a kind no document can have (notes for note) in search and list, naming it and the kinds", async () => {
    await temp.kb.capture(note);
    const kinds =
      '"conversation", "discovery", "strategy", "decision", "research", "insight", "signal", "requirement", "blueprint", "runbook", "note", "code"';
    await expect(temp.kb.search("retry", { kinds: ["note", "notes"] as never })).rejects.toMatchObject({
      code: "E_VALIDATION",
      message: `search options is invalid: kinds[1]: must be one of ${kinds}`,
    });
    await expect(temp.kb.list({ kinds: ["Note"] as never })).rejects.toMatchObject({
      code: "E_VALIDATION",
      message: `list options is invalid: kinds[0]: must be one of ${kinds}`,
    });
  });

  it("still answers with every known option", async () => {
    await temp.kb.capture(note);
    const result = await temp.kb.search("retry", {
      limit: 5,
      offset: 0,
      kinds: ["note"],
      current: true,
      collapse: true,
      mode: "lexical",
      budgetTokens: 500,
    });
    expect(result.hits.map((hit) => hit.document.title)).toEqual(["Retries"]);
  });

  it("fails the Effect face's search with a ValidationError catchTag handles", async () => {
    const layer = effectLayer();
    const program = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      return yield* kb.search("retry", { kind: "note" } as never);
    }).pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(error.issues)));
    await expect(Effect.runPromise(Effect.provide(program, layer))).resolves.toEqual([
      {
        path: "",
        message:
          'unknown key "kind"; the keys are limit, offset, kinds, lines, unfiledToo, tags, authors, from, to, current, asOf, budgetTokens, collapse, mode, highlight, signal',
      },
    ]);
  });
});

describe("embedder options", () => {
  it("names an unknown option of an embedder and the options it takes", async () => {
    expect(() =>
      createOpenAiEmbedder({ url: "http://127.0.0.1:9", model: "m", dimension: 8, batchsize: 4 } as never),
    ).toThrow(
      'OpenAI-compatible embedder options is invalid: (root): unknown key "batchsize"; the keys are url, model, dimension, apiKey, requestDimensions, batchSize, maxRetries, backoffMs, timeoutMs',
    );
    await expect(createTransformersEmbedder({ modelPath: "/nowhere", pool: "cls" } as never)).rejects.toThrow(
      'transformers.js embedder options is invalid: (root): unknown key "pool"; the keys are modelPath, pooling, normalize, batchSize, dtype, threads',
    );
  });
});

describe("list options", () => {
  it("names an unknown list option and every option list takes, the page's included", async () => {
    await expect(temp.kb.list({ kinds: ["note"], lmit: 5 } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message:
        'list options is invalid: (root): unknown key "lmit"; the keys are kinds, lines, tags, authors, from, to, current, asOf, signal, limit, offset',
    });
  });

  it("refuses a misspelt get option (asof for asOf) naming it, instead of answering the document as it is now", async () => {
    const doc = await temp.kb.capture(note);
    await expect(temp.kb.get(doc.id, { asof: "2020-01-01T00:00:00Z" } as never)).rejects.toMatchObject({
      _tag: "ValidationError",
      message: 'get options is invalid: (root): unknown key "asof"; the keys are asOf',
    });
  });

  it("refuses an unknown list option and keeps the known ones", async () => {
    await temp.kb.capture(note);
    await expect(temp.kb.list({ kind: "zzz" } as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(temp.kb.list({ kinds: ["note"], limit: 5 })).resolves.toHaveLength(1);
  });

  it("fails list with a ValidationError naming an unknown option (kind for kinds)", async () => {
    const layer = effectLayer();
    const program = Effect.gen(function* () {
      const kb = yield* KnowledgeBaseService;
      return yield* kb.list({ kind: "note" } as never);
    }).pipe(Effect.catchTag("ValidationError", (error) => Effect.succeed(error.message)));
    await expect(Effect.runPromise(Effect.provide(program, layer))).resolves.toBe(
      'list options is invalid: (root): unknown key "kind"; the keys are kinds, lines, tags, authors, from, to, current, asOf, signal, limit, offset',
    );
  });
});
