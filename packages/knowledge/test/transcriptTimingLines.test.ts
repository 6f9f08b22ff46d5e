import { parseTranscript, transcriptDocument } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";

/** The warning of a cue timing line left out, at its line. */
const leftOut = (line: number, text: string) => ({
  line,
  message: expect.stringContaining(`${JSON.stringify(text)} is a cue timing line whose times do not parse`),
});

describe("a cue timing line whose times do not parse", () => {
  it("is left out of a WebVTT speaker's words with a warning at its line, and the next cue has no time", () => {
    const transcript = parseTranscript(
      "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hello\n\n99:99 --> x\n<v Bob>Garbage cue\n",
    );

    expect(transcript).toEqual({
      turns: [
        { speaker: "Ana", text: "Hello", at: "00:00:01" },
        { speaker: "Bob", text: "Garbage cue" },
      ],
      speakers: ["Ana", "Bob"],
      warnings: [leftOut(6, "99:99 --> x")],
    });
    expect(transcript.warnings[0]?.message).toContain("hh:mm:ss.ttt --> hh:mm:ss.ttt");
    expect(
      transcriptDocument(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hello\n\n99:99 --> x\n<v Bob>Bye\n",
        {
          title: "Call",
          source: { system: "transcript" },
        },
      ).body,
    ).toBe("**Ana** (00:00:01): Hello\n\n**Bob**: Bye");
  });

  it("is left out of a SubRip file with its cue number, the first cue's too", () => {
    const srt = [
      "1",
      "00:00:01,000 --> garbage",
      "Ana: Is the payment page slow?",
      "",
      "2",
      "00:00:04,000 --> 00:00:06,000",
      "Sam: Only on mobile.",
      "",
      "3",
      "00:00:07,000 --> 00:00:09",
      "Ana: Since when?",
    ].join("\r\n");

    const transcript = parseTranscript(srt);

    expect(transcript.turns).toEqual([
      { speaker: "Ana", text: "Is the payment page slow?" },
      { speaker: "Sam", text: "Only on mobile.", at: "00:00:04" },
      { speaker: "Ana", text: "Since when?" },
    ]);
    expect(transcript.warnings).toEqual([
      leftOut(2, "00:00:01,000 --> garbage"),
      leftOut(10, "00:00:07,000 --> 00:00:09"),
    ]);
    expect(transcript.warnings[0]?.message).toContain("hh:mm:ss,ttt --> hh:mm:ss,ttt");
  });

  it("takes hours past 99 and refuses minutes or seconds past 59", () => {
    const vtt = [
      "WEBVTT",
      "",
      "100:00:01.000 --> 100:00:02.000 align:start",
      "<v Ana>Still recording.",
      "",
      "00:61:00.000 --> 00:62:00.000",
      "<v Bo>Sixty-one minutes in.",
      "",
      "00:59.000 --> 00:59.999",
      "<v Ana>Short form.",
      "",
      "00:00:60.000 --> 00:01:01.000",
      "<v Bo>Sixty seconds.",
    ].join("\n");

    const transcript = parseTranscript(vtt);

    expect(transcript.turns).toEqual([
      { speaker: "Ana", text: "Still recording.", at: "100:00:01" },
      { speaker: "Bo", text: "Sixty-one minutes in." },
      { speaker: "Ana", text: "Short form.", at: "00:59" },
      { speaker: "Bo", text: "Sixty seconds." },
    ]);
    expect(transcript.warnings).toEqual([
      leftOut(6, "00:61:00.000 --> 00:62:00.000"),
      leftOut(12, "00:00:60.000 --> 00:01:01.000"),
    ]);
  });

  it("drops a WebVTT cue identifier before it, and NOTE and STYLE blocks stay out", () => {
    const vtt = [
      "WEBVTT - weekly call",
      "",
      "NOTE recorded by Zoom",
      "on Monday",
      "",
      "STYLE",
      "::cue { color: lime }",
      "",
      "intro",
      "00:00:01.000 --> 00:00:03.000",
      "<v Ana>Welcome.",
      "",
      "second-cue",
      "00:00:04.000 -> 00:00:05.000 -->",
      "<v Bo>Thanks.",
    ].join("\n");

    expect(parseTranscript(vtt)).toEqual({
      turns: [
        { speaker: "Ana", text: "Welcome.", at: "00:00:01" },
        { speaker: "Bo", text: "Thanks." },
      ],
      speakers: ["Ana", "Bo"],
      warnings: [leftOut(14, "00:00:04.000 -> 00:00:05.000 -->")],
    });
  });

  it("gives no warning for well-formed cues or plain text", () => {
    expect(parseTranscript("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hello\n").warnings).toEqual([]);
    expect(parseTranscript("1\n00:00:01,000-->00:00:02,000\nAna: Hello\n")).toEqual({
      turns: [{ speaker: "Ana", text: "Hello", at: "00:00:01" }],
      speakers: ["Ana"],
      warnings: [],
    });
    expect(parseTranscript("Ana: the --> arrow\nBo: right").warnings).toEqual([]);
  });
});
