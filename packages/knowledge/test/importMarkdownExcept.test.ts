/**
 * `importMarkdownFolder`'s `except`: the files another importer files are left
 * alone, neither captured, nor taken as a renamed file's new place, nor
 * counted as removed.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { importMarkdownFolder } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-except-");

it("leaves the files named in except alone: not captured, not a rename target, not removed", async () => {
  const docs = join(temp.dir, "docs");
  mkdirSync(docs);
  writeFileSync(join(docs, "guide.md"), "# Guide\n\nHow to run the shop.\n");
  writeFileSync(join(docs, "faq.md"), "# FAQ\n\nAsk the owner.\n");
  const system = "markdown:handbook";
  expect((await importMarkdownFolder(temp.kb, docs, { system })).captured).toBe(2);

  // faq.md renamed to ask.md, which another importer files: the FAQ is not moved there.
  rmSync(join(docs, "faq.md"));
  writeFileSync(join(docs, "ask.md"), "# FAQ\n\nAsk the owner.\n");
  writeFileSync(join(docs, "new.md"), "# New\n\nFiled elsewhere.\n");
  const report = await importMarkdownFolder(temp.kb, docs, {
    system,
    except: new Set(["ask.md", "new.md", "guide.md"]),
  });
  expect(report).toMatchObject({ captured: 0, revised: 0, unchanged: 0, retracted: 1, renamed: [] });
  const live = (await temp.kb.fromSystem(system)).filter((document) => document.retracted === undefined);
  expect(live.map((document) => document.source.uri)).toEqual(["guide.md"]);
});

it("refuses an except that is no Set, naming it, before writing", async () => {
  const docs = join(temp.dir, "docs");
  mkdirSync(docs);
  writeFileSync(join(docs, "guide.md"), "# Guide\n\nHow to run the shop.\n");
  await expect(
    importMarkdownFolder(temp.kb, docs, { except: ["guide.md"] as unknown as Set<string> }),
  ).rejects.toThrow(/options\.except/);
  expect(await temp.kb.list()).toEqual([]);
});
