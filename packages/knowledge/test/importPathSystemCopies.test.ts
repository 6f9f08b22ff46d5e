import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderPathSourceSystem, importMarkdownFolder, type KnowledgeBase } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-import-path-system-");

/** A folder named docs outside any git repository, holding the given files. */
function docsFolder(files: Record<string, string>): string {
  const folder = join(temp.dir, "build-1", "docs");
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

/** Records notes as the release that named a folder outside git by its absolute path did. */
async function recordedByPath(kb: KnowledgeBase, folder: string, notes: Record<string, string>) {
  const system = folderPathSourceSystem("markdown", folder);
  for (const [uri, body] of Object.entries(notes))
    await kb.captureOrRevise({ kind: "note", title: uri, body, source: { system, uri } });
  return system;
}

/** The live documents of the knowledge base as `system uri`, sorted. */
async function live(kb: KnowledgeBase): Promise<string[]> {
  const documents = await kb.list({ limit: Number.POSITIVE_INFINITY });
  return documents.map((document) => `${document.source.system} ${document.source.uri}`).sort();
}

describe("importMarkdownFolder and documents recorded under the folder's absolute path", () => {
  it("retires them: a file's copy once the file is imported, whatever it holds, and a removed file's", async () => {
    const folder = docsFolder({ "a.md": "# A\n\nText a.\n", "b.md": "# B\n\nText b, edited since.\n" });
    const byPath = await recordedByPath(temp.kb, folder, {
      "a.md": "# A\n\nText a.\n",
      "b.md": "# B\n\nText b.\n",
      "gone.md": "# Gone\n\nA file removed since.\n",
    });
    expect(byPath).toBe(`markdown:${folder}`);

    const first = await importMarkdownFolder(temp.kb, folder);
    expect(first).toMatchObject({ system: "markdown:docs", captured: 2, moved: 2, retracted: 1 });
    expect(first.possiblyStale).toEqual([]);
    expect(await live(temp.kb)).toEqual(["markdown:docs a.md", "markdown:docs b.md"]);
    const copy = await temp.kb.bySource(byPath, "a.md");
    expect(copy?.retracted?.reason).toBe(
      `a.md is now imported as ${(await temp.kb.bySource("markdown:docs", "a.md"))?.id} (markdown:docs)`,
    );

    // Converged: the next import has nothing left to do.
    const again = await importMarkdownFolder(temp.kb, folder);
    expect(again).toMatchObject({ captured: 0, unchanged: 2, moved: 0, retracted: 0 });
  });

  it("keeps the copy of a file that fails to import, and retires it once the file imports", async () => {
    const folder = docsFolder({ "a.md": "---\ndate: someday\n---\n# A\n" });
    const byPath = await recordedByPath(temp.kb, folder, { "a.md": "# A\n\nAs imported then.\n" });

    const failed = await importMarkdownFolder(temp.kb, folder);
    expect(failed).toMatchObject({ captured: 0, moved: 0, retracted: 0 });
    expect(failed.problems).toMatchObject([{ item: "a.md", line: 2 }]);
    expect(await live(temp.kb)).toEqual([`${byPath} a.md`]);

    writeFileSync(join(folder, "a.md"), "---\ndate: 2026-03-01\n---\n# A\n");
    const fixed = await importMarkdownFolder(temp.kb, folder);
    expect(fixed).toMatchObject({ captured: 1, moved: 1, problems: [] });
    expect(await live(temp.kb)).toEqual(["markdown:docs a.md"]);
  });

  it("leaves them alone when the folder is given a system of its own", async () => {
    const folder = docsFolder({ "a.md": "# A\n" });
    const byPath = await recordedByPath(temp.kb, folder, { "a.md": "# A\n", "gone.md": "# Gone\n" });
    const report = await importMarkdownFolder(temp.kb, folder, { system: "handbook" });
    expect(report).toMatchObject({ system: "handbook", captured: 1, moved: 0, retracted: 0 });
    expect(await live(temp.kb)).toEqual(["handbook a.md", `${byPath} a.md`, `${byPath} gone.md`]);
  });

  it("names a long path as that release did: at most 100 characters, its end kept", () => {
    const folder = join(temp.dir, "x".repeat(120), "docs");
    mkdirSync(folder, { recursive: true });
    const system = folderPathSourceSystem("markdown", folder);
    expect(system).toHaveLength(100);
    expect(system).toMatch(/^markdown:[0-9a-f]{12}:….*x\/docs$/);
  });
});
