import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder, importRecords } from "../src/index.js";
import { note } from "./fixtures/retriesNote.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-self-links-");

describe("a document linked to itself", () => {
  it("is refused with a ValidationError at target, and nothing is written", async () => {
    const document = await temp.kb.capture(note);
    const head = await temp.log.head();

    const error = await temp.kb
      .link(document.id, { type: "relatesTo", target: document.id })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: "target", message: `is ${document.id}, the document itself: a document cannot link to itself` },
    ]);
    expect((error as ValidationError).message).toBe(
      `link of ${document.id} is invalid: target: is ${document.id}, the document itself: a document cannot link to itself`,
    );
    expect(await temp.log.head()).toBe(head);
    expect((await temp.kb.get(document.id))?.links).toEqual([]);
  });
});

describe("a tag given twice", () => {
  it("is kept once by the markdown and records importers", async () => {
    const folder = join(temp.dir, "notes");
    mkdirSync(folder);
    writeFileSync(join(folder, "retries.md"), "---\ntags: [pci, pci, ops]\n---\n# Retries\n\nTwice.\n");
    const markdown = await importMarkdownFolder(temp.kb, folder);
    expect(markdown).toMatchObject({ captured: 1, problems: [] });
    expect((await temp.kb.bySource(markdown.system, "retries.md"))?.tags).toEqual(["pci", "ops"]);

    const file = join(temp.dir, "tickets.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify({ key: "T-1", subject: "Export", text: "Times out", labels: "csv, csv" })}\n`,
    );
    const records = await importRecords(temp.kb, file, {
      system: "tickets",
      mapping: { id: "key", title: "subject", body: "text", tags: "labels" },
    });
    expect(records).toMatchObject({ captured: 1, problems: [] });
    expect((await temp.kb.bySource("tickets", "T-1"))?.tags).toEqual(["csv"]);
  });
});
