/**
 * Through the SDK, `importCodebase` and a folder import (`importMarkdownFolder`)
 * of a repository's `docs/` keep one document per page, whichever ran first.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { importCodebase, planCodebasePages } from "@software-factory/intelligence";
import { importMarkdownFolder } from "@software-factory/knowledge";
import { expect, it } from "vitest";
import { useRepoWithFactory } from "./repoWithFactory.js";

const ada = { name: "Ada Lovelace", email: "ada@example.com" };

const temp = useRepoWithFactory("factory-folder-pages-", [
  {
    author: ada,
    files: {
      "README.md": "# Shop\n\nThe shop.\n",
      "docs/guide.md": "# Guide\n\nRun the shop.\n",
      "docs/README.md": "# Shop docs\n\nWhere the shop's pages are.\n",
    },
  },
]);

/** The live documents, as `<system> <uri>`, sorted. */
async function livePages(): Promise<string[]> {
  return (await temp.factory.knowledge.list({ limit: Number.POSITIVE_INFINITY }))
    .filter((document) => document.retracted === undefined)
    .map((document) => `${document.source.system} ${document.source.uri}`)
    .sort();
}

it("leaves to a folder import the pages it filed first, and writes nothing on a second run", async () => {
  const { repo, factory } = temp;
  const docs = join(repo.root, "docs");
  expect((await importMarkdownFolder(factory.knowledge, docs)).captured).toBe(2);
  const first = await importCodebase(factory, repo.root);
  expect(first.leftToFolders).toMatchObject([
    { file: "docs/README.md", system: "markdown:docs", uri: "README.md" },
    { file: "docs/guide.md", system: "markdown:docs", uri: "guide.md" },
  ]);
  expect(first.counts.documents).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
  expect(await livePages()).toEqual([
    `codebase ${basename(repo.root)}:README.md`,
    "markdown:docs README.md",
    "markdown:docs guide.md",
  ]);
  expect((await importCodebase(factory, repo.root)).events).toBe(0);
});

it("names the pages a codebase import filed first, which a folder import then leaves with except", async () => {
  const { repo, factory } = temp;
  await importCodebase(factory, repo.root);
  const docs = join(repo.root, "docs");
  const pages = await planCodebasePages(
    factory.knowledge,
    docs,
    ["README.md", "guide.md"],
    ["markdown:docs"],
  );
  expect([...pages.left.keys()]).toEqual(["README.md", "guide.md"]);
  expect(pages.left.get("guide.md")?.source.uri).toBe(`${basename(repo.root)}:docs/guide.md`);
  expect(pages.retractions).toEqual([]);
  const report = await importMarkdownFolder(factory.knowledge, docs, { except: new Set(pages.left.keys()) });
  expect(report.captured).toBe(0);
  expect(await livePages()).toEqual([
    `codebase ${basename(repo.root)}:README.md`,
    `codebase ${basename(repo.root)}:docs/README.md`,
    `codebase ${basename(repo.root)}:docs/guide.md`,
  ]);
});

it("takes a page filed by a codebase import of a folder named like another repository only when it holds the file's text", async () => {
  const { repo, dir, factory } = temp;
  // Another repository, named docs, with a README of its own.
  const other = join(dir, "elsewhere", "docs");
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, "README.md"), "# The docs site\n\nAnother repository.\n");
  execFileSync("git", ["init", "-q", other]);
  await importCodebase(factory, other);
  const docs = join(repo.root, "docs");
  const pages = await planCodebasePages(
    factory.knowledge,
    docs,
    ["README.md", "guide.md"],
    ["markdown:docs"],
  );
  expect([...pages.left.keys()]).toEqual([]);

  // A codebase import of this repository's docs folder files its README at docs:README.md too, with this file's text.
  await importCodebase(factory, docs);
  const again = await planCodebasePages(
    factory.knowledge,
    docs,
    ["README.md", "guide.md"],
    ["markdown:docs"],
  );
  expect([...again.left.keys()]).toEqual(["README.md"]);
});

it("files a page whose folder import's system holds another repository's file of that path", async () => {
  const { repo, dir, factory } = temp;
  // Another repository's docs folder, imported by a folder import under the same system, markdown:docs.
  const other = join(dir, "elsewhere", "payments");
  mkdirSync(join(other, "docs"), { recursive: true });
  writeFileSync(join(other, "docs", "guide.md"), "# Guide\n\nPay by card.\n");
  execFileSync("git", ["init", "-q", other]);
  expect((await importMarkdownFolder(factory.knowledge, join(other, "docs"))).system).toBe("markdown:docs");

  const result = await importCodebase(factory, repo.root);
  expect(result.leftToFolders).toEqual([]);
  expect(await livePages()).toContain(`codebase ${basename(repo.root)}:docs/guide.md`);
});
