import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FrontMatterError, importMarkdownFolder, parseFrontMatter } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-problems-");

/** A folder of the given files (name to text or bytes) in the temp dir. */
function folderOf(files: Record<string, string | Uint8Array>): string {
  const folder = join(temp.dir, "notes");
  mkdirSync(folder, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

describe("importMarkdownFolder and files that are not good markdown", () => {
  it("skips a binary file and a file that is not UTF-8 as problems naming each, and imports the rest", async () => {
    const folder = folderOf({
      "logo.md": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff]),
      "latin1.md": new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]),
      "good.md": "# Good\n\nfine",
    });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 1, warnings: [] });
    expect(report.problems).toEqual([
      { item: "latin1.md", message: expect.stringMatching(/^skipped: not UTF-8 text/) },
      {
        item: "logo.md",
        message: expect.stringMatching(
          /^skipped: a binary file \(it holds a NUL byte\), not text \(line 1, column 5\)/,
        ),
      },
    ]);
    expect((await temp.kb.fromSystem(report.system)).map((document) => document.source.uri)).toEqual([
      "good.md",
    ]);
  });

  it("skips a symbolic link to a markdown file or to a folder with a warning naming each", async () => {
    const elsewhere = join(temp.dir, "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, "shared.md"), "# Shared\n\nlives elsewhere");
    const folder = folderOf({ "own.md": "# Own\n\nlives here" });
    symlinkSync(join(elsewhere, "shared.md"), join(folder, "shared.md"));
    symlinkSync(elsewhere, join(folder, "linked"));
    symlinkSync(join(temp.dir, "nowhere.md"), join(folder, "broken.md"));
    symlinkSync(join(elsewhere, "shared.md"), join(folder, "not-markdown.txt"));
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 1, problems: [] });
    expect(report.warnings).toEqual([
      {
        item: "broken.md",
        message: expect.stringMatching(/^skipped: a symbolic link \(links are not followed/),
      },
      { item: "linked", message: expect.stringMatching(/^skipped: a symbolic link to a folder/) },
      {
        item: "shared.md",
        message: expect.stringMatching(/^skipped: a symbolic link \(links are not followed/),
      },
    ]);
  });

  it("imports a file without front matter, titled by its first heading or else its name", async () => {
    const folder = folderOf({ "plain.md": "Just words.\n", "headed.md": "# A heading\n\nwords" });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 2, problems: [], warnings: [] });
    const titles = (await temp.kb.fromSystem(report.system)).map((document) => document.title).sort();
    expect(titles).toEqual(["A heading", "plain"]);
  });

  it("reports a YAML error, a bad field, a bad date and a bad tag at their line and column", async () => {
    const folder = folderOf({
      "yaml.md": "---\ntitle: C\ntags: [a, b\n---\nbody\n",
      "field.md": "---\ntitle: E\ntags: 5\n---\nbody\n",
      "date.md": "---\ntitle: G\n\ndate: not a date\n---\nbody\n",
      "tag.md": "---\ntitle: T\ntags:\n  - ok\n  - not ok\n---\nbody\n",
    });
    const { problems } = await importMarkdownFolder(temp.kb, folder);
    const byItem = Object.fromEntries(problems.map((problem) => [problem.item, problem]));
    expect(byItem["yaml.md"]).toMatchObject({ line: 3, column: expect.any(Number) });
    expect(byItem["field.md"]).toMatchObject({
      line: 3,
      column: 7,
      message: expect.stringMatching(/^front matter field tags: must be a list/),
    });
    expect(byItem["date.md"]).toMatchObject({
      line: 4,
      column: 7,
      message: expect.stringContaining("not a date"),
    });
    expect(byItem["tag.md"]).toMatchObject({
      line: 5,
      column: 5,
      message: expect.stringContaining("tags[1]"),
    });
  });

  it("reports front matter that is never closed at line 1, and imports empty front matter", async () => {
    const folder = folderOf({
      "open.md": "---\ntitle: Open\ntags: [a]\n\n# Open\n\nThe fence above is never closed.\n",
      "empty.md": "---\n---\n# Empty front matter\n\nbody\n",
    });
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report.problems).toEqual([
      {
        item: "open.md",
        line: 1,
        column: 1,
        message: expect.stringMatching(
          /^front matter: the `---` on line 1 opens front matter that no `---` or `...` line closes/,
        ),
      },
    ]);
    const documents = await temp.kb.fromSystem(report.system);
    expect(documents.map((document) => [document.source.uri, document.title, document.body])).toEqual([
      ["empty.md", "Empty front matter", "# Empty front matter\n\nbody\n"],
    ]);
  });
});

describe("parseFrontMatter", () => {
  it("throws a FrontMatterError at the line and column of a YAML error", () => {
    const error = (() => {
      try {
        parseFrontMatter("---\ntitle: ok\nbad: [x\n---\nbody");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(FrontMatterError);
    expect(error).toMatchObject({ line: 3, column: expect.any(Number) });
  });

  it("locates a value by its path in the file", () => {
    const file = parseFrontMatter("---\ntitle: T\ntags:\n  - a\n  - b\n---\nbody");
    expect(file.locate(["tags", 1])).toEqual({ line: 5, column: 5 });
    expect(file.locate(["missing"])).toEqual({ line: 2, column: 1 });
  });
});
