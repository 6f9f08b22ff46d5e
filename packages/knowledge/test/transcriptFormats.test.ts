import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { transcriptDocument } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-transcript-formats-");

/** Writes a transcript as its tool exports it, then reads and captures it as an importer does. */
async function importTranscript(name: string, content: string) {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return temp.kb.capture(
    transcriptDocument(readFileSync(path, "utf8"), {
      title: name,
      source: { system: "meetings", uri: name },
    }),
  );
}

describe("transcripts as meeting tools export them", () => {
  it("reads SubRip (.srt) with a byte order mark and CRLF line ends: no cue numbers or timings in the words", async () => {
    const srt = [
      "1",
      "00:00:01,000 --> 00:00:04,000",
      "Ana: We lose carts on mobile.",
      "",
      "2",
      "00:00:04,500 --> 00:00:06,000",
      "Bo: Since the 3.2 release?",
      "",
      "3",
      "00:00:06,000 --> 00:00:08,000",
      "Ana: Yes.",
      "42 carts a day.",
      "",
    ].join("\r\n");
    const document = await importTranscript("call.srt", `\uFEFF${srt}`);
    expect(document.body).toBe(
      [
        "**Ana** (00:00:01): We lose carts on mobile.",
        "**Bo** (00:00:04): Since the 3.2 release?",
        "**Ana** (00:00:06): Yes. 42 carts a day.",
      ].join("\n\n"),
    );
    expect(document.tags).toEqual(["speaker:ana", "speaker:bo"]);
  });

  it("reads Otter's speaker headings: a name and a time on a line of their own, the paragraph under it theirs", async () => {
    const otter = [
      "Ana Diaz  0:01",
      "We lose carts on mobile.",
      "Since Tuesday.",
      "",
      "Bo Chen  0:15",
      "Thanks. Note: the 3.2 release went out Tuesday.",
      "",
      "Ana Diaz  1:02:03",
      "Okay.",
      "",
    ].join("\n");
    const document = await importTranscript("call.txt", otter);
    expect(document.body).toBe(
      [
        "**Ana Diaz** (0:01): We lose carts on mobile. Since Tuesday.",
        "**Bo Chen** (0:15): Thanks. Note: the 3.2 release went out Tuesday.",
        "**Ana Diaz** (1:02:03): Okay.",
      ].join("\n\n"),
    );
    expect(document.tags).toEqual(["speaker:ana-diaz", "speaker:bo-chen"]);
  });

  it("reads a Zoom speaker whose display name holds pronouns or a team in parentheses, and tags the speaker without the pronouns", async () => {
    const vtt = [
      "WEBVTT",
      "",
      "1",
      "00:00:01.000 --> 00:00:03.000",
      "Ana Diaz (she/her): We lose carts on mobile.",
      "",
      "2",
      "00:00:03.500 --> 00:00:05.000",
      "Bo Chen (Payments): Since the 3.2 release?",
      "",
    ].join("\n");
    const document = await importTranscript("zoom.vtt", vtt);
    expect(document.body).toBe(
      [
        "**Ana Diaz (she/her)** (00:00:01): We lose carts on mobile.",
        "**Bo Chen (Payments)** (00:00:03): Since the 3.2 release?",
      ].join("\n\n"),
    );
    expect(document.tags).toEqual(["speaker:ana-diaz", "speaker:bo-chen-payments"]);
  });

  it("reads `Name：words` lines with the full-width colon of Japanese and Chinese notes", async () => {
    const notes = ["田中：登録番号の表示はいつですか。", "佐藤： 四月末の予定です。", ""].join("\n");
    const document = await importTranscript("ja.txt", notes);
    expect(document.body).toBe(
      ["**田中**: 登録番号の表示はいつですか。", "**佐藤**: 四月末の予定です。"].join("\n\n"),
    );
    expect(document.tags).toEqual(["speaker:田中", "speaker:佐藤"]);
  });

  it("takes a time on a line of its own, as Google Meet marks its transcripts, as the time of the turns after it", async () => {
    const meet = [
      "00:00:00",
      "",
      "Ana Diaz: We lose carts on mobile.",
      "Bo Chen: Since the 3.2 release?",
      "00:05:12",
      "",
      "Ana Diaz: Yes.",
      "",
    ].join("\n");
    const document = await importTranscript("meet.txt", meet);
    expect(document.body).toBe(
      [
        "**Ana Diaz** (00:00:00): We lose carts on mobile.",
        "**Bo Chen** (00:00:00): Since the 3.2 release?",
        "**Ana Diaz** (00:05:12): Yes.",
      ].join("\n\n"),
    );
  });
});
