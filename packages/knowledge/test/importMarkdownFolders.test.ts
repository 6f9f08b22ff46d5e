import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-folders-");

/** Writes the given files (path relative to `folder` to text) under `folder`, and returns `folder`. */
function write(folder: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(folder, name, ".."), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** A git repository (a real `git init`) in the temp dir. */
function repository(name: string): string {
  const root = join(temp.dir, name);
  mkdirSync(root, { recursive: true });
  execFileSync("git", ["init", "--quiet", root]);
  return root;
}

/** Runs git in a repository as a test user. */
function git(repo: string, ...args: string[]): void {
  execFileSync("git", ["-C", repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", ...args]);
}

const live = async (system: string) =>
  (await temp.kb.fromSystem(system))
    .filter((document) => document.retracted === undefined)
    .map((document) => document.source.uri)
    .sort();

describe("importMarkdownFolder and folders with the same name", () => {
  it("gives each docs folder of a monorepo its own source system, and never retracts the other's documents", async () => {
    const repo = repository("shop");
    const a = write(join(repo, "packages", "a", "docs"), { "guide.md": "# A guide", "api.md": "# A api" });
    const b = write(join(repo, "packages", "b", "docs"), { "guide.md": "# B guide" });

    const first = await importMarkdownFolder(temp.kb, a);
    expect(first).toMatchObject({ system: "markdown:packages/a/docs", captured: 2, retracted: 0 });
    const second = await importMarkdownFolder(temp.kb, b);
    expect(second).toMatchObject({ system: "markdown:packages/b/docs", captured: 1, retracted: 0 });

    expect(await live("markdown:packages/a/docs")).toEqual(["api.md", "guide.md"]);
    expect((await temp.kb.bySource("markdown:packages/a/docs", "guide.md"))?.title).toBe("A guide");
    expect((await temp.kb.bySource("markdown:packages/b/docs", "guide.md"))?.title).toBe("B guide");
  });

  it("importing an empty folder of the same name in another place of the repository retracts nothing", async () => {
    const repo = repository("tools");
    const x = write(join(repo, "x", "docs"), { "one.md": "# One", "two.md": "# Two" });
    const y = write(join(repo, "y", "docs"), {});
    const first = await importMarkdownFolder(temp.kb, x);
    const empty = await importMarkdownFolder(temp.kb, y);
    expect(empty).toMatchObject({ system: "markdown:y/docs", captured: 0, retracted: 0, warnings: [] });
    expect(await live(first.system)).toEqual(["one.md", "two.md"]);
  });

  it("re-imports the same folder in place: the same documents, unchanged, whatever the working directory", async () => {
    const repo = repository("site");
    const docs = write(join(repo, "docs"), { "a.md": "# A", "b.md": "# B" });
    const first = await importMarkdownFolder(temp.kb, docs);
    // A folder at the top of its repository keeps the system importers used before: markdown:<folder name>.
    expect(first.system).toBe("markdown:docs");
    const ids = (await temp.kb.fromSystem("markdown:docs")).map((document) => document.id).sort();
    const again = await importMarkdownFolder(temp.kb, join(repo, "docs", "..", "docs"));
    expect(again).toMatchObject({
      system: "markdown:docs",
      captured: 0,
      unchanged: 2,
      retracted: 0,
      moved: 0,
    });
    expect((await temp.kb.fromSystem("markdown:docs")).map((document) => document.id).sort()).toEqual(ids);
  });

  it("moves documents an earlier import left under markdown:<folder name> when their content is the same", async () => {
    const repo = repository("mono");
    const docs = write(join(repo, "packages", "a", "docs"), {
      "same.md": "# Same",
      "edited.md": "# Edited v2",
    });
    // What the importer recorded before each folder had its own system.
    await importMarkdownFolder(temp.kb, write(join(temp.dir, "old", "docs"), { "same.md": "# Same" }), {
      system: "markdown:docs",
    });
    await importMarkdownFolder(
      temp.kb,
      write(join(temp.dir, "old", "docs"), { "edited.md": "# Edited v1" }),
      {
        system: "markdown:docs",
      },
    );

    const report = await importMarkdownFolder(temp.kb, docs);
    expect(report).toMatchObject({ system: "markdown:packages/a/docs", captured: 2, moved: 1, retracted: 0 });
    // The copy with the same content is retracted; the other may be another folder's file (git never had its text), and stays.
    expect(await live("markdown:docs")).toEqual(["edited.md"]);
    const kept = await temp.kb.bySource("markdown:docs", "edited.md");
    expect(report.possiblyStale).toEqual([{ item: "edited.md", id: kept?.id, system: "markdown:docs" }]);
    expect(report.warnings).toEqual([
      {
        item: "edited.md",
        message: `possibly a stale copy: ${kept?.id} (markdown:docs) was imported for this file before each folder had its own source system, and its text is neither the file's nor a version of it committed to git; it may be the file of another folder named docs, so it is kept: retract it if it is this file's`,
      },
    ]);
    const again = await importMarkdownFolder(temp.kb, docs);
    expect(again).toMatchObject({ captured: 0, unchanged: 2, moved: 0, possiblyStale: report.possiblyStale });
  });

  it("retires the copy of a file edited since its last import once git shows the copy holds a committed version of it", async () => {
    const repo = repository("site");
    write(join(repo, "docs"), { "guide.md": "# Guide\n\nVersion 1.", "faq.md": "# FAQ" });
    git(repo, "add", ".");
    git(repo, "commit", "--quiet", "-m", "docs");
    // A docs folder at the top of the repository: recorded under markdown:docs, as every folder was before.
    expect(await importMarkdownFolder(temp.kb, join(repo, "docs"))).toMatchObject({
      system: "markdown:docs",
      captured: 2,
    });
    writeFileSync(join(repo, "docs", "guide.md"), "# Guide\n\nVersion 2.");
    git(repo, "commit", "--quiet", "-am", "guide v2");
    mkdirSync(join(repo, "site"));
    git(repo, "mv", "docs", "site/docs");
    git(repo, "commit", "--quiet", "-m", "move the docs");
    writeFileSync(join(repo, "site", "docs", "guide.md"), "# Guide\n\nVersion 3, not committed.");
    writeFileSync(join(repo, "site", "docs", "faq.md"), "# FAQ\n\nNever committed either.");
    const kept = await temp.kb.bySource("markdown:docs", "faq.md");

    const moved = await importMarkdownFolder(temp.kb, join(repo, "site", "docs"));
    // guide.md's copy holds version 1, committed only as docs/guide.md before the move (git follows it); faq.md's holds "# FAQ", committed too.
    expect(moved).toMatchObject({
      system: "markdown:site/docs",
      captured: 2,
      moved: 2,
      possiblyStale: [],
      warnings: [],
    });
    expect(await live("markdown:docs")).toEqual([]);
    expect((await temp.kb.get(kept?.id as string))?.retracted).toBeDefined();
    expect(await live("markdown:site/docs")).toEqual(["faq.md", "guide.md"]);
  });

  it("keeps a copy whose text this file never had, naming it as possibly stale, until it is retracted", async () => {
    const repo = repository("mono");
    const a = write(join(repo, "packages", "a", "docs"), { "guide.md": "# A guide" });
    const b = write(join(repo, "packages", "b", "docs"), { "guide.md": "# B guide" });
    git(repo, "add", ".");
    git(repo, "commit", "--quiet", "-m", "docs");
    // Before each folder had its own system both were markdown:docs; b was imported last.
    await importMarkdownFolder(temp.kb, a, { system: "markdown:docs" });
    await importMarkdownFolder(temp.kb, b, { system: "markdown:docs" });
    const shared = await temp.kb.bySource("markdown:docs", "guide.md");

    const fromA = await importMarkdownFolder(temp.kb, a);
    expect(fromA).toMatchObject({ captured: 1, moved: 0 });
    expect(fromA.possiblyStale).toEqual([{ item: "guide.md", id: shared?.id, system: "markdown:docs" }]);
    expect(await live("markdown:docs")).toEqual(["guide.md"]);
    // b's file is the one the copy holds: importing b retires it.
    expect(await importMarkdownFolder(temp.kb, b)).toMatchObject({
      captured: 1,
      moved: 1,
      possiblyStale: [],
    });
    expect(await importMarkdownFolder(temp.kb, a)).toMatchObject({
      unchanged: 1,
      possiblyStale: [],
      warnings: [],
    });
  });

  it("outside git, revises the documents of a copy of the folder in another place in place, as one folder", async () => {
    const pages = { "a.md": "# A\n\nText a.", "b.md": "# B\n\nText b.", "c.md": "# C\n\nText c." };
    const first = await importMarkdownFolder(temp.kb, write(join(temp.dir, "build-1", "docs"), pages));
    expect(first).toMatchObject({ system: "markdown:docs", captured: 3 });
    const ids = (await temp.kb.fromSystem("markdown:docs")).map((document) => document.id).sort();

    const second = write(join(temp.dir, "build-2", "docs"), { ...pages, "b.md": "# B\n\nText b, edited." });
    rmSync(join(second, "c.md"));
    const again = await importMarkdownFolder(temp.kb, second);
    expect(again).toMatchObject({
      system: "markdown:docs",
      captured: 0,
      revised: 1,
      unchanged: 1,
      retracted: 1,
      moved: 0,
    });
    expect(await live("markdown:docs")).toEqual(["a.md", "b.md"]);
    expect((await temp.kb.fromSystem("markdown:docs")).map((document) => document.id).sort()).toEqual(ids);
  });

  it("outside git, keeps two folders of one name apart when each is given its own system", async () => {
    const handbook = write(join(temp.dir, "handbook", "docs"), { "one.md": "# One", "two.md": "# Two" });
    const api = write(join(temp.dir, "api", "docs"), {});
    await importMarkdownFolder(temp.kb, handbook, { system: "markdown:handbook" });
    const empty = await importMarkdownFolder(temp.kb, api, { system: "markdown:api" });
    expect(empty).toMatchObject({ system: "markdown:api", retracted: 0 });
    expect(await live("markdown:handbook")).toEqual(["one.md", "two.md"]);
    // Without a system of their own they are one folder: the empty one retracts the other's documents.
    const shared = await importMarkdownFolder(temp.kb, api);
    expect(shared).toMatchObject({ system: "markdown:docs", retracted: 0 });
    await importMarkdownFolder(temp.kb, handbook);
    expect(await importMarkdownFolder(temp.kb, api)).toMatchObject({ system: "markdown:docs", retracted: 2 });
  });

  it("refuses a system the knowledge base would not take, before writing anything", async () => {
    const docs = write(join(temp.dir, "docs"), { "a.md": "# A" });
    for (const system of ["", "m".repeat(101)]) {
      const refused = importMarkdownFolder(temp.kb, docs, { system });
      await expect(refused).rejects.toBeInstanceOf(ValidationError);
      await expect(refused).rejects.toMatchObject({
        code: "E_VALIDATION",
        issues: [{ path: "system" }],
      });
    }
    expect(await temp.kb.list({ limit: 10 })).toEqual([]);
    expect(await importMarkdownFolder(temp.kb, docs, { system: "m".repeat(100) })).toMatchObject({
      captured: 1,
    });
  });

  it("says so in a warning when a folder emptied of markdown retracts everything it imported", async () => {
    const docs = write(join(temp.dir, "notes"), { "a.md": "# A", "b.md": "# B" });
    const { system } = await importMarkdownFolder(temp.kb, docs);
    rmSync(join(docs, "a.md"));
    rmSync(join(docs, "b.md"));
    const emptied = await importMarkdownFolder(temp.kb, docs);
    expect(emptied).toMatchObject({ retracted: 2, problems: [] });
    expect(emptied.warnings).toEqual([
      {
        item: ".",
        message: `the folder has no markdown file left: the 2 documents imported from it (${system}) were retracted`,
      },
    ]);
    expect(await live(system)).toEqual([]);
  });
});
