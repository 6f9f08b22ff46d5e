import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decisionMarkdown, importMarkdownFolder, moveRenamedFiles, type RenameText } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-move-renamed-");

const decision = {
  status: "accepted",
  context: "Payments fail now and then.",
  decision: "Retry twice.",
} as const;

describe("moveRenamedFiles", () => {
  it("moves a document whose file is gone to the one new file holding its text, compared through textOf", async () => {
    const system = "decisions:adr";
    const options = [{ title: "Retry three times", pros: [], cons: ["the bank refuses"] }];
    const { document } = await temp.kb.captureOrRevise({
      kind: "decision",
      title: "Retries",
      body: "",
      decision: { ...decision, options },
      source: { system, uri: "adr-1.md" },
      lines: ["payments"],
    });
    const kept = await temp.kb.captureOrRevise({
      kind: "decision",
      title: "Queue",
      body: "",
      decision: { ...decision, decision: "Queue exports." },
      source: { system, uri: "adr-2.md" },
    });
    const read: string[] = [];
    const file = (uri: string, text: RenameText | undefined) => (): RenameText | undefined => {
      read.push(uri);
      return text;
    };
    // The file as an importer reads it: no options, which a decision record does not give.
    const renamed = {
      title: "Retries",
      body: decisionMarkdown({ ...decision, options: [], consequences: "" }),
    };
    const files = new Map([
      ["adr-2.md", file("adr-2.md", undefined)],
      ["0001-retries.md", file("0001-retries.md", renamed)],
      ["notes.md", file("notes.md", undefined)],
    ]);

    const moved = await moveRenamedFiles(temp.kb, system, files, {
      actor: "importer",
      textOf: (each) => ({
        title: each.title,
        body: decisionMarkdown({ ...(each.decision ?? decision), options: [], consequences: "" }),
      }),
    });

    expect(moved).toEqual({
      renamed: [{ id: document.id, from: "adr-1.md", to: "0001-retries.md", content: "same" }],
      warnings: [],
    });
    expect(read).toEqual(["0001-retries.md", "notes.md"]);
    const after = await temp.kb.bySource(system, "0001-retries.md");
    expect(after).toMatchObject({ id: document.id, lines: ["payments"], decision: { options } });
    expect(after?.moves).toMatchObject([{ from: "adr-1.md", to: "0001-retries.md" }]);
    expect((await temp.kb.bySource(system, "adr-2.md"))?.id).toBe(kept.document.id);

    read.length = 0;
    const again = await moveRenamedFiles(temp.kb, system, files);
    expect(again).toEqual({ renamed: [], warnings: [] });
    expect(read).toEqual([]);
  });
});

describe("importMarkdownFolder and a note renamed to a decision record", () => {
  it("is no rename: the import refuses a decision record, so the note is retracted and its file named as a problem", async () => {
    const folder = join(temp.dir, "notes");
    mkdirSync(folder);
    writeFileSync(join(folder, "retries.md"), "# Retries\n\nWe retry payments twice.\n");
    const first = await importMarkdownFolder(temp.kb, folder);
    const note = await temp.kb.bySource(first.system, "retries.md");

    rmSync(join(folder, "retries.md"));
    writeFileSync(
      join(folder, "adr-1.md"),
      "---\nkind: decision\n---\n# Retries\n\nWe retry payments twice.\n",
    );
    const report = await importMarkdownFolder(temp.kb, folder);

    expect(report).toMatchObject({ renamed: [], retracted: 1, captured: 0 });
    expect(report.problems.map((problem) => problem.item)).toEqual(["adr-1.md"]);
    expect((await temp.kb.get(note?.id ?? ""))?.retracted).toBeDefined();
    expect(await temp.kb.bySource(first.system, "adr-1.md")).toBeUndefined();
  });
});
