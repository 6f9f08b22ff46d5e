/**
 * importMarkdownFolder and folder entries it cannot import as they stand: a
 * named pipe among the markdown is skipped with a warning and never opened
 * (opening one waits for a writer), a file or folder whose name is not
 * UTF-8 is a problem naming it with the bad bytes escaped, and the rest of
 * the folder imports. Real files in a temp folder, a real SQLite log.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-entries-");

/** A folder `notes` in the temp dir holding `good.md`. */
function notesFolder(): string {
  const folder = join(temp.dir, "notes");
  mkdirSync(folder);
  writeFileSync(join(folder, "good.md"), "# Good\n\nRefunds take 5 days.\n");
  return folder;
}

/** A path under `folder` whose last name is `before`, the byte 0xe9 (Latin-1 é, not UTF-8) and `after`. */
function latin1Path(folder: string, before: string, after: string): Buffer {
  return Buffer.concat([Buffer.from(`${folder}/${before}`), Buffer.from([0xe9]), Buffer.from(after)]);
}

describe("importMarkdownFolder and entries that are no markdown file it can read", () => {
  it("skips a named pipe with a warning, without opening it, and imports the rest", async () => {
    const folder = notesFolder();
    execFileSync("mkfifo", [join(folder, "pipe.md")]);
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 1, problems: [] });
    expect(report.warnings).toEqual([{ item: "pipe.md", message: "skipped: not a regular file (a FIFO)" }]);
  });

  it("names a file and a folder whose names are not UTF-8 as problems, escaped, and imports the rest", async () => {
    const folder = notesFolder();
    writeFileSync(latin1Path(folder, "caf", ".md"), "# Cafe\n\nlatin-1 file name\n");
    mkdirSync(latin1Path(folder, "r", "sum"));
    writeFileSync(Buffer.concat([latin1Path(folder, "r", "sum"), Buffer.from("/cv.md")]), "# CV\n\ntext\n");
    // Not markdown: nothing to say about it.
    writeFileSync(latin1Path(folder, "logo-", ".png"), "png");
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 1, warnings: [] });
    expect(report.problems).toEqual([
      {
        item: "caf\\xe9.md",
        message: "skipped: the file name is not UTF-8 (rename the file: names are read as UTF-8)",
      },
      {
        item: "r\\xe9sum/cv.md",
        message:
          "skipped: the name of a folder above it is not UTF-8 (rename the folder: names are read as UTF-8)",
      },
    ]);
    expect((await temp.kb.fromSystem(report.system)).map((document) => document.source.uri)).toEqual([
      "good.md",
    ]);
  });
});
