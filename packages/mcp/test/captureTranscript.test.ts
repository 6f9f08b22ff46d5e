/**
 * `capture_knowledge` with `transcript: true` stores a meeting transcript
 * as `factory import transcripts` does (the knowledge base's
 * `transcriptDocument`): turns as markdown, speakers as `speaker:` tags. The
 * transcript is asked for, not guessed: a note of `Name: words` lines would read
 * as a transcript and lose its markdown.
 */
import { transcriptDocument } from "@software-factory/knowledge";
import { describe, expect, it } from "vitest";
import { useSeededServer } from "./fixtures.js";

const server = useSeededServer("capture-transcript-test");

/** The answer of a call that must succeed. */
const ok = async (name: string, args: Record<string, unknown>) => {
  const result = await server.call(name, args);
  expect(result.isError, result.content[0]?.text).toBeUndefined();
  return result.structuredContent as Record<string, unknown>;
};

const VTT = [
  "WEBVTT",
  "",
  "1",
  "00:00:01.000 --> 00:00:04.000",
  "<v Ana Diaz>Refunds take a week with the new provider.",
  "",
  "2",
  "00:00:04.500 --> 00:00:07.000",
  "<v Sean O'Brien>Customers call us after three days &amp; ask.",
  "",
].join("\n");

/** A conversation captured from a call recording at `uri`, with `args` added. */
const call = (uri: string, args: Record<string, unknown> = {}) => ({
  kind: "conversation",
  title: "Call with Acme",
  body: VTT,
  source: { system: "zoom", uri, author: "ana" },
  tags: ["acme"],
  lines: ["payments"],
  transcript: true,
  ...args,
});

describe("capture_knowledge with transcript: true", () => {
  it("stores a WebVTT transcript's turns with its speakers as tags, as factory import transcripts does, and only when asked", async () => {
    const captured = await ok("capture_knowledge", call("zoom/calls/acme-1.vtt"));
    expect(captured).toMatchObject({
      outcome: "captured",
      speakers: ["Ana Diaz", "Sean O'Brien"],
    });
    const expected = transcriptDocument(VTT, {
      title: "Call with Acme",
      source: { system: "zoom", uri: "zoom/calls/acme-1.vtt", author: "ana" },
      tags: ["acme"],
    });
    const document = await ok("get_document", { id: captured.id });
    expect(document).toMatchObject({ kind: "conversation", body: expected.body, tags: expected.tags });
    expect(document.body).toBe(
      "**Ana Diaz** (00:00:01): Refunds take a week with the new provider.\n\n**Sean O'Brien** (00:00:04): Customers call us after three days & ask.",
    );
    expect(document.tags).toEqual(["acme", "speaker:ana-diaz", "speaker:sean-o-brien"]);

    // Not guessed: without transcript, the same text is stored as given.
    const { transcript: _transcript, ...asMarkdown } = call("zoom/calls/acme-3.vtt");
    const asGiven = await ok("capture_knowledge", asMarkdown);
    expect(asGiven).toEqual({
      id: expect.any(String),
      seq: expect.any(Number),
      revision: 1,
      outcome: "captured",
    });
    expect(await ok("get_document", { id: asGiven.id })).toMatchObject({ body: VTT, tags: ["acme"] });
  });

  it("reads Otter's text export, and revises the document when the same recording is captured again", async () => {
    const otter = "Ana Diaz  0:02\nRefunds take a week.\n\nBo Lind  0:09\nThree days, they said.\n";
    const first = await ok("capture_knowledge", call("otter/acme-2.txt", { body: otter }));
    expect(first.speakers).toEqual(["Ana Diaz", "Bo Lind"]);
    const edited = otter.replace("Three days", "Two days");
    const again = await ok("capture_knowledge", call("otter/acme-2.txt", { body: edited }));
    expect(again).toMatchObject({ id: first.id, outcome: "revised", revision: 2 });
    expect((await ok("get_document", { id: first.id })).body).toBe(
      "**Ana Diaz** (0:02): Refunds take a week.\n\n**Bo Lind** (0:09): Two days, they said.",
    );
  });

  it("refuses another kind, a text without turns and too many tags, naming the argument; nothing is written", async () => {
    const before = ((await ok("list_knowledge", { limit: 100 })).documents as unknown[]).length;
    expect(await server.refused("capture_knowledge", call("a.vtt", { kind: "note" }))).toBe(
      'E_VALIDATION: capture_knowledge input is invalid: kind: a transcript is stored as a conversation: give kind "conversation"',
    );
    expect(
      await server.refused("capture_knowledge", call("b.vtt", { body: "WEBVTT\n\nNOTE only a note\n" })),
    ).toBe(
      'E_VALIDATION: capture_knowledge input is invalid: body: holds no turns (no WebVTT or SubRip cue, "Name: words" line or speaker heading): is it a transcript? Leave transcript out to store it as markdown',
    );
    const tags = Array.from({ length: 99 }, (_, index) => `t${index}`);
    expect(await server.refused("capture_knowledge", call("c.vtt", { tags }))).toBe(
      "E_VALIDATION: capture_knowledge input is invalid: tags: its 2 speakers' tags and the 99 tags given make 101, over the 100 a document keeps",
    );
    expect(((await ok("list_knowledge", { limit: 100 })).documents as unknown[]).length).toBe(before);
  });
});
