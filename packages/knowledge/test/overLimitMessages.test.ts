import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder } from "../src/index.js";
import { note } from "./fixtures/retriesNote.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-over-limit-");

/** The issues of the ValidationError a call rejects with. */
async function issuesOf(call: Promise<unknown>): Promise<ValidationError["issues"]> {
  const error = await call.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues;
}

describe("a value past a knowledge base limit", () => {
  it("is said in the user's words: what it is, then the limit", async () => {
    const error = await temp.kb
      .capture({ ...note, title: "t".repeat(501), body: "b".repeat(2_000_001) })
      .catch((caught: unknown) => caught);
    expect((error as ValidationError).message).toBe(
      "document is invalid: title: is 501 characters; at most 500; body: is 2,000,001 characters; at most 2,000,000",
    );

    const tags = Array.from({ length: 101 }, (_, index) => `t${index}`);
    expect(await issuesOf(temp.kb.capture({ ...note, tags }))).toEqual([
      { path: "tags", message: "has 101 items; at most 100" },
    ]);
    expect(
      await issuesOf(
        temp.kb.captureOrRevise({ ...note, source: { system: "notes", uri: "u".repeat(2001) } }),
      ),
    ).toEqual([{ path: "source.uri", message: "is 2,001 characters; at most 2,000" }]);
    expect(await issuesOf(temp.kb.capture({ ...note, title: "  " }))).toEqual([
      { path: "title", message: "must not be empty" },
    ]);
    expect(await issuesOf(temp.kb.list({ limit: 0 }))).toEqual([
      { path: "limit", message: "is 0; at least 1" },
    ]);
    // A schema's own words stay.
    expect(await issuesOf(temp.kb.search("   "))).toEqual([{ path: "", message: "the query is empty" }]);
  });

  it("is said in the same words by the markdown importer, for its system and for front matter", async () => {
    const folder = join(temp.dir, "notes");
    mkdirSync(folder);
    expect(await issuesOf(importMarkdownFolder(temp.kb, folder, { system: "s".repeat(101) }))).toEqual([
      { path: "system", message: "is 101 characters; at most 100" },
    ]);

    writeFileSync(join(folder, "long.md"), `---\ntitle: ${"t".repeat(501)}\n---\nBody.\n`);
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report.problems).toEqual([
      {
        item: "long.md",
        line: 2,
        column: 8,
        message: "document is invalid: title: is 501 characters; at most 500",
      },
    ]);
  });
});
