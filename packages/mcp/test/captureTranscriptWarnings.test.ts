/**
 * `capture_knowledge` with `transcript: true` answers the lines the
 * transcript parser left out (a cue timing line whose times do not parse),
 * as `factory import transcripts` prints them as warnings: the caller learns
 * that some words were stored without their time.
 */
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("capture-transcript-warnings-test");

/** A conversation captured from the WebVTT text `body`. */
const call = (uri: string, body: string) => ({
  kind: "conversation",
  title: "Call with Acme",
  body,
  source: { system: "zoom", uri },
  transcript: true,
});

describe("capture_knowledge with transcript: true", () => {
  it("answers a malformed cue timing line as a warning at its line, and stores the rest", async () => {
    const body = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hello\n\n99:99 --> x\n<v Bob>Garbage cue\n";
    const result = await server.call("capture_knowledge", call("zoom/calls/bad.vtt", body));
    expect(result.isError, result.content[0]?.text).toBeUndefined();
    const answer = result.structuredContent as Record<string, unknown>;
    expect(answer).toMatchObject({
      outcome: "captured",
      speakers: ["Ana", "Bob"],
      warnings: [
        {
          line: 6,
          message: expect.stringContaining('"99:99 --> x" is a cue timing line whose times do not parse'),
        },
      ],
    });
    const document = await server.call("get_document", { id: answer.id });
    expect((document.structuredContent as { body: string }).body).toBe(
      "**Ana** (00:00:01): Hello\n\n**Bob**: Garbage cue",
    );
  });

  it("answers no warning for a well-formed transcript", async () => {
    const body = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Hello\n";
    const result = await server.call("capture_knowledge", call("zoom/calls/good.vtt", body));
    expect(result.structuredContent).toMatchObject({ outcome: "captured", speakers: ["Ana"], warnings: [] });
  });
});
