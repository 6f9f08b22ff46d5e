/**
 * A speaker's tag is cut to 72 characters (UTF-16 units) after `speaker:`
 * without splitting a letter outside the Basic Multilingual Plane (a CJK
 * extension B character, two units) at the limit: the transcript is captured
 * and its tag holds no half of a surrogate pair.
 */
import { describe, expect, it } from "vitest";
import { transcriptDocument } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-speaker-tags-");

/** Half of a surrogate pair with no other half next to it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("a transcript's speaker tags", () => {
  it("drop a two-unit letter at the 72nd character whole, and the transcript is captured", async () => {
    const speaker = `${"a".repeat(71)}\u{20000}b`;
    const text = ["WEBVTT", "", "00:00:01.000 --> 00:00:04.000", `<v ${speaker}>We lose carts.</v>`, ""].join(
      "\n",
    );

    const doc = await temp.kb.capture(
      transcriptDocument(text, { title: "Call", source: { system: "zoom", uri: "meeting/9" } }),
    );

    expect(doc.tags).toEqual([`speaker:${"a".repeat(71)}`]);
    expect(doc.tags.some((tag) => LONE_SURROGATE.test(tag))).toBe(false);
  });
});
