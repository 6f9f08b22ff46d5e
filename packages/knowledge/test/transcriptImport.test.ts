import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTranscript, transcriptDocument } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-transcript-");

/** Writes a transcript to disk and captures it the way an importer does: read, turn into a document, capture. */
async function importTranscriptFile(name: string, text: string, uri: string) {
  const path = join(temp.dir, name);
  writeFileSync(path, text);
  return temp.kb.capture(
    transcriptDocument(readFileSync(path, "utf8"), {
      title: `Call ${uri}`,
      source: { system: "zoom", uri },
      lines: ["checkout"],
    }),
  );
}

const vtt = [
  "WEBVTT - Acme weekly",
  "",
  "NOTE recorded by the meeting bot",
  "the first minute is small talk",
  "",
  "intro",
  "00:00:01.000 --> 00:00:04.000 align:start",
  "<v Ana Diaz>We lose carts on mobile &amp; tablets.</v>",
  "",
  "cue-2",
  "00:00:04.500 --> 00:00:06.000",
  "<v Ana Diaz>Mostly at the <b>payment</b> step.",
  "",
  "3",
  "00:01:07.250 --> 00:01:09.000",
  "<v.lead Sean O'Brien>Since the release of the wallet?</v>",
  "",
].join("\r\n");

describe("a WebVTT transcript file", () => {
  it("is captured as a conversation with speakers, times and tags, and found by search", async () => {
    const doc = await importTranscriptFile("acme.vtt", vtt, "meeting/1");
    expect(doc.kind).toBe("conversation");
    expect(doc.body).toBe(
      [
        "**Ana Diaz** (00:00:01): We lose carts on mobile & tablets. Mostly at the payment step.",
        "**Sean O'Brien** (00:01:07): Since the release of the wallet?",
      ].join("\n\n"),
    );
    expect(doc.tags).toEqual(["speaker:ana-diaz", "speaker:sean-o-brien"]);

    const byWords = await temp.kb.search("carts lost on mobile");
    expect(byWords.hits[0]?.document.id).toBe(doc.id);
    // The snippet reads as plain text: the speaker's bold is the body's markdown, left out.
    expect(byWords.hits[0]?.snippet).toContain("Ana Diaz (00:00:01): We lose **carts**");
    expect(
      (await temp.kb.search("wallet release", { tags: ["speaker:sean-o-brien"] })).hits[0]?.document.id,
    ).toBe(doc.id);
    expect((await temp.kb.search("O'Brien")).hits[0]?.document.id).toBe(doc.id);
  });

  it("keeps the header, cue identifiers, notes and style blocks out of the turns", () => {
    const transcript = parseTranscript(
      [
        "\uFEFFWEBVTT",
        "Kind: captions",
        "Language: en",
        "",
        "STYLE",
        "::cue(v[voice='Bo']) { color: red }",
        "",
        "NOTE",
        "Bo: this is a note, not a turn",
        "",
        "opening remarks",
        "00:02.000 --> 00:03.000",
        "<v Bo>Hello.",
        "",
        "closing remarks",
        "00:04.000 --> 00:05.000",
        "<v Bo>Bye.",
      ].join("\n"),
    );
    expect(transcript.turns).toEqual([{ speaker: "Bo", text: "Hello. Bye.", at: "00:02" }]);
  });

  it("splits a cue line between its voices and decodes character references, with no blank line after the header", () => {
    const transcript = parseTranscript(
      [
        "WEBVTT",
        "00:00:10.000 --> 00:00:12.000",
        "<v Ana>Ready for Q&amp;A?</v> <v Bo>Yes, &#39;go&#x27; &lt;now&gt;</v>",
      ].join("\n"),
    );
    expect(transcript.turns).toEqual([
      { speaker: "Ana", text: "Ready for Q&A?", at: "00:00:10" },
      { speaker: "Bo", text: "Yes, 'go' <now>", at: "00:00:10" },
    ]);
  });
});

describe("a plain speaker-prefixed transcript file", () => {
  it("is captured with its speakers and times, and found by search", async () => {
    const text = [
      "[00:00:05] Ana: The invoice export is missing the VAT number.",
      "It breaks filings in Germany.",
      "[00:00:19] Bo: Which customers noticed?",
      "[00:00:24] Ana: Three in the DACH region.",
    ].join("\n");
    const doc = await importTranscriptFile("call.txt", text, "meeting/2");
    expect(doc.body).toBe(
      [
        "**Ana** (00:00:05): The invoice export is missing the VAT number. It breaks filings in Germany.",
        "**Bo** (00:00:19): Which customers noticed?",
        "**Ana** (00:00:24): Three in the DACH region.",
      ].join("\n\n"),
    );
    expect(doc.tags).toEqual(["speaker:ana", "speaker:bo"]);
    const hit = (await temp.kb.search("VAT number missing in invoice export")).hits[0];
    expect(hit?.document.id).toBe(doc.id);
    expect(hit?.snippet).toContain("Ana (00:00:05): The **invoice**");
    expect((await temp.kb.search("customers", { tags: ["speaker:bo"] })).hits[0]?.document.id).toBe(doc.id);
    expect((await temp.kb.search("customers", { tags: ["speaker:carla"] })).hits).toEqual([]);
  });
});
