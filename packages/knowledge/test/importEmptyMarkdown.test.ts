/**
 * `importMarkdownFolder` and empty files: a 0-byte, blank or
 * front-matter-only `.md` is no document (a document needs a body, as
 * `factory knowledge capture --file` says), so it is a problem naming the
 * file and the rest imports; a file emptied after an import keeps its
 * document as it was, since deleting the file is how a document is retracted.
 * A real SQLite log in a temp folder.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-empty-");

/** The folder `notes` in the temp dir with the given files (name to text), written over what was there. */
function folderOf(files: Record<string, string>): string {
  const folder = join(temp.dir, "notes");
  mkdirSync(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

describe("importMarkdownFolder and empty files", () => {
  it("reports a 0-byte, a blank and a front-matter-only file as problems and imports the rest", async () => {
    const folder = folderOf({
      "zero.md": "",
      "blank.md": " \n\t\n",
      "front.md": "---\ntitle: Only a title\n---\n\n",
      "good.md": "# Good\n\nfine",
    });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 1, warnings: [] });
    expect(report.problems).toEqual([
      { item: "blank.md", message: "skipped: the file is empty (a document needs a body)" },
      {
        item: "front.md",
        message: "skipped: the file has front matter and no text after it (a document needs a body)",
      },
      { item: "zero.md", message: "skipped: the file is empty (a document needs a body)" },
    ]);
    const documents = await temp.kb.fromSystem(report.system);
    expect(documents.map((document) => document.source.uri)).toEqual(["good.md"]);
  });

  it("keeps the document of a file emptied since the last import, and says so", async () => {
    const folder = folderOf({ "kept.md": "# Kept\n\nthe words" });
    const first = await importMarkdownFolder(temp.kb, folder);
    const [document] = await temp.kb.fromSystem(first.system);
    folderOf({ "kept.md": "" });
    const second = await importMarkdownFolder(temp.kb, folder);
    expect(second).toMatchObject({ captured: 0, revised: 0, retracted: 0, warnings: [] });
    expect(second.problems).toEqual([
      {
        item: "kept.md",
        message: `skipped: the file is empty (a document needs a body); its document ${document?.id} from an earlier import is kept as it was (delete the file to retract it)`,
      },
    ]);
    const after = await temp.kb.get(document?.id as string);
    expect(after).toMatchObject({ body: "# Kept\n\nthe words" });
    expect(after?.retracted).toBeUndefined();
  });
});
