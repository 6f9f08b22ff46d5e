import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-templates-");

/** A folder of the given files (name to text) in the temp dir. */
function folderOf(files: Record<string, string>): string {
  const folder = join(temp.dir, "notes");
  mkdirSync(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

describe("importMarkdownFolder and front matter written from a template", () => {
  it("takes a key left blank (tags:, title:, author:, date:) as unset, and writes nothing when imported again", async () => {
    const folder = folderOf({
      "blank.md":
        "---\ntitle:\nkind:\ntags:\nlines: ~\nauthor:\ndate:\nvalidFrom:\n---\n# Retries\n\nBack off.\n",
      "tags-only.md": "---\ntitle: Runbook\ntags:\n---\nRestart the worker.\n",
    });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 2, problems: [] });
    const blank = await temp.kb.bySource(report.system, "blank.md");
    expect(blank).toMatchObject({ kind: "note", title: "Retries", tags: [], lines: [] });
    expect(blank?.source).toEqual({ system: report.system, uri: "blank.md" });
    expect((await temp.kb.bySource(report.system, "tags-only.md"))?.title).toBe("Runbook");

    const head = await temp.log.head();
    expect(await importMarkdownFolder(temp.kb, folder)).toMatchObject({
      captured: 0,
      revised: 0,
      unchanged: 2,
    });
    expect(await temp.log.head()).toBe(head);
  });

  it("takes a number in a tag list as its word (tags: [2024, q1])", async () => {
    const folder = folderOf({ "review.md": "---\ntags: [2024, q1]\n---\n# Review\n\nNumbers.\n" });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 1, problems: [] });
    expect((await temp.kb.bySource(report.system, "review.md"))?.tags).toEqual(["2024", "q1"]);
  });
});
