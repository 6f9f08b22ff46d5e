/**
 * A typo'd key on a knowledge write (capture, captureOrRevise, revise,
 * recordDecision, link) is refused with a ValidationError naming it and the
 * keys the input takes, and nothing is written; before, the key was dropped
 * and the document was written without it (`line` for `lines` gave no lines).
 */
import { ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("knowledge-strict-writes-");

const note = {
  kind: "note",
  title: "Retries",
  body: "We retry payments twice.",
  source: { system: "test" },
} as const;

/** Runs a write expected to fail, checks the log did not move, and returns what it threw. */
async function refused(write: () => Promise<unknown>): Promise<ValidationError> {
  const before = await temp.log.head();
  const thrown = await write().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(ValidationError);
  expect(await temp.log.head()).toBe(before);
  return thrown as ValidationError;
}

describe("knowledge write inputs with an unknown key", () => {
  it("refuses a capture with line for lines, naming the key and the keys it takes", async () => {
    const error = await refused(() => temp.kb.capture({ ...note, line: ["checkout"] } as never));
    expect(error.message).toBe(
      'document is invalid: (root): unknown key "line"; the keys are kind, title, body, source, tags, lines, links, validFrom, validTo, supersedes, decision',
    );
  });

  it("refuses an unknown key inside a capture's source, link or decision option", async () => {
    const source = await refused(() =>
      temp.kb.capture({ ...note, source: { system: "test", url: "https://x" } } as never),
    );
    expect(source.issues).toEqual([
      { path: "source", message: 'unknown key "url"; the keys are system, uri, author, capturedAt' },
    ]);
    const link = await refused(() =>
      temp.kb.capture({ ...note, links: [{ type: "informs", target: "doc_x", note: "x" }] } as never),
    );
    expect(link.issues).toEqual([
      { path: "links[0]", message: 'unknown key "note"; the keys are type, target' },
    ]);
    const option = await refused(() =>
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
    const sourced = await refused(() =>
      temp.kb.captureOrRevise({ ...note, source: { system: "test", uri: "a.md" }, tag: ["x"] } as never),
    );
    expect(sourced.message).toContain('unknown key "tag"');
    const doc = await temp.kb.capture(note);
    const revision = await refused(() => temp.kb.revise(doc.id, { line: ["checkout"] } as never));
    expect(revision.message).toContain('(root): unknown key "line"');
    expect((await temp.kb.get(doc.id))?.lines).toEqual([]);
    const decision = await refused(() =>
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
    const error = await refused(() =>
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
