/**
 * Front matter keys that look meant as one the folder import reads but are
 * not (a case variant, a near miss) are each a warning at the key's line and
 * column, naming the key meant; keys written for other tools are ignored
 * without a word. Through importMarkdownFolder on real files, and
 * unreadFrontMatterKeys on YAML and TOML front matter.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder, parseFrontMatter, unreadFrontMatterKeys } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-keys-");

/** Keys other tools write (Jekyll, Hugo, Docusaurus, Obsidian): none is a mistake for a key the import reads. */
const OTHER_TOOLS =
  "layout: post\npermalink: /t/\ndraft: false\nweight: 3\nslug: t\naliases: [x]\ndescription: A ticket\nsupersedes: doc_x\nurl: https://zendesk/1\ncategories: [a]\nstatus: open\n";

describe("front matter keys the folder import does not read", () => {
  it("warns at each mis-cased or misspelt key, naming the key meant, and says nothing of other tools' keys", async () => {
    const folder = join(temp.dir, "kb");
    mkdirSync(folder);
    writeFileSync(
      join(folder, "x.md"),
      `---\ntitle: Ticket\nkind: note\nTags: [support]\n${OTHER_TOOLS}tag: billing\nvalid_from: 2026-01-01\nLines: [payments]\n---\nbody\n`,
    );
    writeFileSync(join(folder, "plain.md"), `---\n${OTHER_TOOLS}---\nbody\n`);
    const report = await importMarkdownFolder(temp.kb, folder);
    expect(report).toMatchObject({ captured: 2, problems: [] });
    expect(report.warnings).toEqual([
      {
        item: "x.md",
        line: 4,
        column: 1,
        message: 'front matter key "Tags" is not read (did you mean "tags"?)',
      },
      {
        item: "x.md",
        line: 16,
        column: 1,
        message: 'front matter key "tag" is not read (did you mean "tags"?)',
      },
      {
        item: "x.md",
        line: 17,
        column: 1,
        message: 'front matter key "valid_from" is not read (did you mean "validFrom"?)',
      },
      {
        item: "x.md",
        line: 18,
        column: 1,
        message: 'front matter key "Lines" is not read (did you mean "lines"?)',
      },
    ]);
    // What is read is read as before: the mis-cased tags are not taken.
    const [ticket] = (await temp.kb.fromSystem(report.system)).filter(
      (document) => document.title === "Ticket",
    );
    expect(ticket?.tags).toEqual([]);
  });

  it("places a key at its name in TOML front matter and in a YAML flow mapping", () => {
    const toml = parseFrontMatter('+++\ntitle = "T"\n  Author = "ana"\n+++\nbody\n');
    expect(unreadFrontMatterKeys(toml, ["title", "author"])).toEqual([
      {
        key: "Author",
        meant: "author",
        line: 3,
        column: 3,
        message: 'front matter key "Author" is not read (did you mean "author"?)',
      },
    ]);
    const flow = parseFrontMatter("---\n{ title: T, Tags: [a] }\n---\nbody\n");
    expect(unreadFrontMatterKeys(flow, ["title", "tags"])).toMatchObject([
      { key: "Tags", line: 2, column: 13 },
    ]);
  });
});
