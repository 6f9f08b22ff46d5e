import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  folderSourceSystem,
  importMarkdownFolder,
  importRecords,
  parseTranscript,
  transcriptDocument,
} from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-");

let notes: string;

beforeEach(() => {
  notes = join(temp.dir, "notes");
  mkdirSync(join(notes, "calls"), { recursive: true });
});

describe("importMarkdownFolder", () => {
  it("captures new files, revises changed ones, skips unchanged ones and retracts removed ones", async () => {
    writeFileSync(
      join(notes, "pricing.md"),
      "---\ntitle: Pricing strategy\nkind: strategy\ntags: [pricing]\nlines: [billing]\nauthor: ana\ndate: 2025-03-01\n---\nSeats, not usage.",
    );
    writeFileSync(join(notes, "calls", "acme.md"), "# Call with Acme\n\nAcme needs SSO before renewal.");
    const progress: number[] = [];
    const first = await importMarkdownFolder(temp.kb, notes, {
      onProgress: (step) => progress.push(step.done),
    });
    expect(first).toMatchObject({ captured: 2, revised: 0, unchanged: 0, retracted: 0, problems: [] });
    expect(progress).toEqual([1, 2]);

    const system = folderSourceSystem("markdown", notes);
    expect(first.system).toBe(system);
    const pricing = await temp.kb.bySource(system, "pricing.md");
    expect(pricing).toMatchObject({
      kind: "strategy",
      title: "Pricing strategy",
      tags: ["pricing"],
      lines: ["billing"],
      source: {
        system,
        uri: "pricing.md",
        author: "ana",
        capturedAt: "2025-03-01T00:00:00.000Z",
      },
    });
    expect((await temp.kb.bySource(system, "calls/acme.md"))?.title).toBe("Call with Acme");

    writeFileSync(
      join(notes, "calls", "acme.md"),
      "# Call with Acme\n\nAcme needs SSO and SCIM before renewal.",
    );
    rmSync(join(notes, "pricing.md"));
    const head = await temp.log.head();
    const second = await importMarkdownFolder(temp.kb, notes);
    expect(second).toMatchObject({ captured: 0, revised: 1, unchanged: 0, retracted: 1 });
    expect(await temp.log.head()).toBe(head + 2);
    expect((await temp.kb.search("SCIM")).hits).toHaveLength(1);
    expect((await temp.kb.search("seats")).hits).toEqual([]);

    const third = await importMarkdownFolder(temp.kb, notes);
    expect(third).toMatchObject({ captured: 0, revised: 0, unchanged: 1, retracted: 0 });
    expect(await temp.log.head()).toBe(head + 2);
  });

  it("reports a file with broken front matter by line and imports the rest", async () => {
    writeFileSync(join(notes, "bad.md"), "---\ntitle: [unclosed\n---\nbody");
    writeFileSync(join(notes, "good.md"), "# Good\n\ntext");
    const report = await importMarkdownFolder(temp.kb, notes);
    expect(report.captured).toBe(1);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ item: "bad.md" });
    expect(report.problems[0]?.line).toBeGreaterThanOrEqual(1);
  });
});

describe("transcripts", () => {
  it("parses WebVTT voices and merges consecutive cues of one speaker", () => {
    const vtt = [
      "WEBVTT",
      "",
      "1",
      "00:00:01.000 --> 00:00:04.000",
      "<v Ana Diaz>We lose carts on mobile.</v>",
      "",
      "2",
      "00:00:04.500 --> 00:00:06.000",
      "<v Ana Diaz>Mostly at payment.",
      "",
      "00:00:07.000 --> 00:00:09.000",
      "<v Bo>Since the last release?",
    ].join("\n");
    expect(parseTranscript(vtt)).toEqual({
      turns: [
        { speaker: "Ana Diaz", text: "We lose carts on mobile. Mostly at payment.", at: "00:00:01" },
        { speaker: "Bo", text: "Since the last release?", at: "00:00:07" },
      ],
      speakers: ["Ana Diaz", "Bo"],
      warnings: [],
    });
  });

  it("turns plain speaker-prefixed text into a conversation document", async () => {
    const input = transcriptDocument("[00:01] Ana: Checkout is slow.\nit times out\nBo: On which network?", {
      title: "Acme weekly",
      source: { system: "zoom", uri: "meeting/42" },
      lines: ["checkout"],
    });
    const doc = await temp.kb.capture(input);
    expect(doc.kind).toBe("conversation");
    expect(doc.tags).toEqual(["speaker:ana", "speaker:bo"]);
    expect(doc.body).toBe(
      "**Ana** (00:01): Checkout is slow. it times out\n\n**Bo** (00:01): On which network?",
    );
  });
});

describe("importRecords", () => {
  it("maps JSON Lines records to documents, revises known ids and reports bad lines", async () => {
    const file = join(temp.dir, "tickets.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({
          key: "T-1",
          subject: "Export fails",
          fields: { text: "CSV export times out" },
          labels: ["export"],
        }),
        "{not json",
        JSON.stringify({ key: "T-2", subject: "No body" }),
      ].join("\n"),
    );
    const mapping = { id: "key", title: "subject", body: "fields.text", tags: "labels" };
    const report = await importRecords(temp.kb, file, { system: "zendesk", mapping, kind: "signal" });
    expect(report.captured).toBe(1);
    expect(report.problems.map((problem) => problem.line)).toEqual([2, 3]);
    expect(report.problems[1]?.message).toContain('"fields.text"');
    const ticket = await temp.kb.bySource("zendesk", "T-1");
    expect(ticket).toMatchObject({ kind: "signal", tags: ["export"], title: "Export fails" });

    writeFileSync(
      file,
      JSON.stringify({
        key: "T-1",
        subject: "Export fails",
        fields: { text: "CSV export times out after 30s" },
      }),
    );
    const again = await importRecords(temp.kb, file, { system: "zendesk", mapping });
    expect(again).toMatchObject({ captured: 0, revised: 1 });
  });
});
