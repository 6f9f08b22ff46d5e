/**
 * `factory import docs` and `factory import codebase` over the same pages of a
 * git repository: each file is one document, kept by the import that filed it
 * first, whichever order they run in, and a second run writes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { openFactory } from "@software-factory/intelligence";
import { afterEach, beforeEach, expect, it } from "vitest";
import { makeRepo, type TestRepo } from "../../intelligence/test/codebase/makeRepo.js";
import { runFactory } from "./runFactory.js";

const SLOW = { timeout: 240_000 };
const ada = { name: "Ada Lovelace", email: "ada@example.com" };
const ADR =
  "---\nkind: decision\nstatus: accepted\n---\n# Retry payments\n\n## Context\nCards fail zephyrine.\n\n## Decision\nRetry twice.\n";

let repo: TestRepo;
let home: string;
let dir: string;
const factory = (...args: string[]) => runFactory(["--dir", dir, ...args], { cwd: repo.root });

beforeEach(() => {
  repo = makeRepo([
    {
      author: ada,
      files: {
        "README.md": "# Shop\n\nThe shop.\n",
        "docs/guide.md": "# Guide\n\nHow to run the shop, zephyrine.\n",
        "docs/adr/0001-retries.md": ADR,
      },
    },
  ]);
  home = mkdtempSync(join(tmpdir(), "factory-cli-once-"));
  dir = join(home, ".factory");
});
afterEach(() => {
  repo.remove();
  rmSync(home, { recursive: true, force: true });
});

/** The live documents of the factory, as `<system> <uri>`, sorted. */
async function livePages(): Promise<string[]> {
  const opened = await openFactory({ dir });
  try {
    return (await opened.knowledge.list({ limit: Number.POSITIVE_INFINITY }))
      .filter((document) => document.retracted === undefined)
      .map((document) => `${document.source.system} ${document.source.uri}`)
      .sort();
  } finally {
    await opened.close();
  }
}

/** The position of the factory's event log. */
async function head(): Promise<number> {
  const opened = await openFactory({ dir });
  try {
    return await opened.log.head();
  } finally {
    await opened.close();
  }
}

/** How many documents `factory search` finds for the word both pages hold. */
async function documentsFound(): Promise<number> {
  const run = await factory("search", "zephyrine", "--json");
  expect(run.code).toBe(0);
  const hits = (JSON.parse(run.stdout) as { hits: { document: { id: string } }[] }).hits;
  return new Set(hits.map((hit) => hit.document.id)).size;
}

it(
  "leaves to import codebase the pages it filed first, and a second run of each writes nothing",
  SLOW,
  async () => {
    const name = basename(repo.root);
    expect((await factory("import", "codebase", ".")).code).toBe(0);
    const docs = await factory("import", "docs", "docs");
    expect(docs.code).toBe(0);
    expect(docs.stdout).toContain(
      "docs: 0 captured, 0 revised, 0 unchanged, 0 retracted, 0 decisions, 0 problems, 0 warnings, 2 left to import codebase (it filed those files first)",
    );
    expect(await livePages()).toEqual([
      `codebase ${name}:README.md`,
      `codebase ${name}:docs/adr/0001-retries.md`,
      `codebase ${name}:docs/guide.md`,
    ]);
    expect(await documentsFound()).toBe(2);

    const before = await head();
    const again = await factory("import", "docs", "docs", "--json");
    const report = JSON.parse(again.stdout) as { left: { item: string; uri: string }[] };
    expect(report.left.map((file) => [file.item, file.uri])).toEqual([
      ["adr/0001-retries.md", `${name}:docs/adr/0001-retries.md`],
      ["guide.md", `${name}:docs/guide.md`],
    ]);
    expect(JSON.parse((await factory("import", "codebase", ".", "--json")).stdout).events).toBe(0);
    expect(await head()).toBe(before);
  },
);

it(
  "leaves to import docs the pages it filed first, and a second run of each writes nothing",
  SLOW,
  async () => {
    const name = basename(repo.root);
    expect((await factory("import", "docs", "docs")).code).toBe(0);
    const codebase = await factory("import", "codebase", ".");
    expect(codebase.code).toBe(0);
    expect(codebase.stdout).toMatch(
      /documents +3 {2}1 new, 0 updated, 0 unchanged, 2 left to import docs \(it filed those pages first\)/,
    );
    expect(await livePages()).toEqual([
      `codebase ${name}:README.md`,
      "decisions:docs adr/0001-retries.md",
      "markdown:docs guide.md",
    ]);
    expect(await documentsFound()).toBe(2);

    const before = await head();
    const dryRun = JSON.parse((await factory("import", "codebase", ".", "--dry-run", "--json")).stdout);
    expect(
      dryRun.leftToFolders.map((page: { file: string; system: string }) => [page.file, page.system]),
    ).toEqual([
      ["docs/adr/0001-retries.md", "decisions:docs"],
      ["docs/guide.md", "markdown:docs"],
    ]);
    expect(JSON.parse((await factory("import", "codebase", ".", "--json")).stdout).events).toBe(0);
    expect((await factory("import", "docs", "docs")).stdout).toContain(
      "docs: 0 captured, 0 revised, 1 unchanged, 0 retracted, 0 decisions",
    );
    expect(await head()).toBe(before);
  },
);

it("retracts import codebase's later copy when a folder import filed the page first", SLOW, async () => {
  const name = basename(repo.root);
  expect((await factory("import", "docs", "docs")).code).toBe(0);
  // What a release before this one did next: the codebase import filed the same pages again.
  const opened = await openFactory({ dir });
  const later = await opened.knowledge.capture({
    kind: "note",
    title: "Guide",
    body: "# Guide\n\nHow to run the shop, zephyrine.\n",
    source: { system: "codebase", uri: `${name}:docs/guide.md` },
  });
  await opened.close();
  expect(await documentsFound()).toBe(3);

  const docs = await factory("import", "docs", "docs");
  expect(docs.stdout).toContain(`retracted ${later.id}: guide.md is filed as `);
  expect(await livePages()).toEqual(["decisions:docs adr/0001-retries.md", "markdown:docs guide.md"]);
  expect(await documentsFound()).toBe(2);
  const before = await head();
  expect((await factory("import", "docs", "docs")).code).toBe(0);
  expect(await head()).toBe(before);
});

it("retracts a folder import's later copy when import codebase filed the page first", SLOW, async () => {
  expect((await factory("import", "codebase", ".")).code).toBe(0);
  // What a release before this one did next: the folder import filed the same page again.
  const opened = await openFactory({ dir });
  const later = await opened.knowledge.capture({
    kind: "note",
    title: "Guide",
    body: "# Guide\n\nHow to run the shop, zephyrine.\n",
    source: { system: "markdown:docs", uri: "guide.md" },
  });
  await opened.close();

  const dryRun = await factory("import", "codebase", ".", "--dry-run");
  expect(dryRun.stdout).toContain(`would retract ${later.id}: docs/guide.md is filed as `);
  expect(await documentsFound()).toBe(3);
  const codebase = await factory("import", "codebase", ".");
  expect(codebase.stdout).toContain(`retracted ${later.id}: docs/guide.md is filed as `);
  expect(await documentsFound()).toBe(2);
  const before = await head();
  expect(JSON.parse((await factory("import", "codebase", ".", "--json")).stdout).events).toBe(0);
  expect(await head()).toBe(before);
});
