import { describe, expect, it } from "vitest";
import { parseTranscript, transcriptParts } from "../src/index.js";

const MARKDOWN = "# Heading\n\nSome **markdown** notes.\n\n- item";

describe("a text in which no line names a speaker", () => {
  it("holds no turns, as an empty text does, where cues or one named speaker still make turns", () => {
    const vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nRefunds take a week.\n";

    expect(parseTranscript(MARKDOWN)).toEqual({ turns: [], speakers: [], warnings: [] });
    expect(parseTranscript("We talked about refunds.\nThey take a week.")).toEqual({
      turns: [],
      speakers: [],
      warnings: [],
    });
    expect(parseTranscript("Recorded on Monday.\nAna: Refunds take a week.").speakers).toEqual([
      "unknown",
      "Ana",
    ]);
    expect(parseTranscript(vtt).turns).toEqual([
      { speaker: "unknown", text: "Refunds take a week.", at: "00:00:01" },
    ]);
  });

  it("makes a transcript part without turns, which importers refuse as they refuse an empty file", () => {
    const parts = transcriptParts(MARKDOWN, { title: "plain2", source: { system: "test" } });

    expect(parts.map((part) => [part.turns, part.speakers, part.document.body])).toEqual([[0, [], ""]]);
  });
});
