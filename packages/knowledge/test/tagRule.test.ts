/**
 * What a tag may be, and what the knowledge base says when one is refused:
 * letters of any script with their marks, kept in NFC; no emoji and no comma,
 * each named in the message instead of "tags are words without spaces".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog, ValidationError } from "@software-factory/core";
import { type CaptureInput, type KnowledgeBase, openKnowledgeBase } from "@software-factory/knowledge";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let root: string;
let log: EventLog;
let kb: KnowledgeBase;

const tagged = (...tags: string[]): CaptureInput => ({
  kind: "note",
  title: "Launch",
  body: "We launch on Monday.",
  source: { system: "notes" },
  tags,
});

/** The error a capture with these tags was refused with, after checking nothing was written. */
async function refusal(...tags: string[]): Promise<ValidationError> {
  const before = await log.head();
  const error = await kb.capture(tagged(...tags)).catch((caught: unknown) => caught);
  expect(await log.head()).toBe(before);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), "knowledge-tag-rule-"));
  log = await openEventLog({ path: join(root, "factory.db") });
  kb = await openKnowledgeBase({ log, dir: join(root, "knowledge") });
});

afterEach(async () => {
  await kb.close();
  await log.close();
  rmSync(root, { recursive: true, force: true });
});

describe("a document's tags", () => {
  it("refuses an emoji tag, saying it is the emoji and why, not that it has a space", async () => {
    const error = await refusal("launch", "🎉");
    expect(error.message).toContain('tags[1]: has the emoji "🎉"');
    expect(error.message).toContain("no emoji");
    expect(error.message).not.toContain("without spaces");
    expect((await refusal("ship🎉")).message).toContain('tags[0]: has the emoji "🎉"');
  });

  it("refuses a comma or a leading dash, naming the character and the rule", async () => {
    const comma = await refusal("a,b");
    expect(comma.message).toContain('tags[0]: has ",": a tag is letters and digits, then also _ : . / -');
    expect(comma.message).not.toContain("without spaces");
    expect((await refusal("-draft")).message).toContain(
      'tags[0]: starts with "-": a tag starts with a letter or digit',
    );
  });

  it("takes letters with combining marks and keeps them in NFC, so both spellings find the document", async () => {
    const decomposed = "cafe\u0301";
    const document = await kb.capture(tagged("हिन्दी", decomposed));
    expect(document.tags).toEqual(["हिन्दी", "café"]);
    expect(document.tags[1]).toBe(decomposed.normalize("NFC"));
    for (const filter of [decomposed, decomposed.normalize("NFC")])
      expect((await kb.list({ tags: [filter] })).map((each) => each.id)).toEqual([document.id]);
  });
});
