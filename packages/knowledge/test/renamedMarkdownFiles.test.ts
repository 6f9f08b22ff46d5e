import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { DocumentRetractedError, importMarkdownFolder, openKnowledgeBase } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-renamed-files-");

/** A git repository (a real `git init`) with a docs folder holding `files`; returns both paths. */
function repositoryWith(files: Record<string, string>): { repo: string; docs: string } {
  const repo = join(temp.dir, "shop");
  const docs = join(repo, "docs");
  mkdirSync(docs, { recursive: true });
  execFileSync("git", ["init", "--quiet", repo]);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(docs, name), text);
  git(repo, "add", ".");
  git(repo, "commit", "--quiet", "-m", "docs");
  return { repo, docs };
}

/** Runs git in a repository as a test user. */
function git(repo: string, ...args: string[]): void {
  execFileSync("git", ["-C", repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", ...args]);
}

/** Ten lines of a runbook: editing one keeps 90 % of them. */
const runbook = (step: string) =>
  `# Payment retries\n\n${["Check the queue.", "Page the owner.", "Look at the dashboard.", "Read the logs.", "Find the failing job.", "Pause the consumer.", "Drain the dead letters.", "Restart the consumer."].join("\n")}\n${step}\n`;

describe("importMarkdownFolder and renamed files", () => {
  it("keeps the document of a file renamed with git mv: same id, links and lines, recorded as a move", async () => {
    const { repo, docs } = repositoryWith({ "retries.md": "# Retries\n\nWe retry payments twice.\n" });
    await importMarkdownFolder(temp.kb, docs, { lines: ["payments"] });
    const system = "markdown:docs";
    const before = await temp.kb.bySource(system, "retries.md");
    const decision = await temp.kb.capture({
      kind: "note",
      title: "Why two retries",
      body: "Because of the bank's limits.",
      source: { system: "cli" },
      links: [{ type: "relatesTo", target: before?.id ?? "" }],
    });
    await temp.kb.link(before?.id ?? "", { type: "informs", target: decision.id });

    git(repo, "mv", "docs/retries.md", "docs/payment-retries.md");
    const report = await importMarkdownFolder(temp.kb, docs, { lines: ["payments"] });

    expect(report).toMatchObject({ captured: 0, revised: 0, unchanged: 1, retracted: 0 });
    expect(report.renamed).toEqual([
      { id: before?.id, from: "retries.md", to: "payment-retries.md", content: "same" },
    ]);
    const after = await temp.kb.bySource(system, "payment-retries.md");
    expect(after?.id).toBe(before?.id);
    expect(after).toMatchObject({
      source: { system, uri: "payment-retries.md" },
      links: [{ type: "informs", target: decision.id }],
      lines: ["payments"],
      revisions: [{ revision: 1 }],
    });
    expect(after?.retracted).toBeUndefined();
    expect(after?.moves).toMatchObject([
      {
        from: "retries.md",
        to: "payment-retries.md",
        reason: "retries.md was renamed to payment-retries.md",
      },
    ]);
    expect(await temp.kb.bySource(system, "retries.md")).toBeUndefined();
  });

  it("a file written again at the old name after a rename is a new document, also in a knowledge base opened from the caches", async () => {
    const { repo, docs } = repositoryWith({ "a.md": "# A\n\nFirst text.\n" });
    await importMarkdownFolder(temp.kb, docs);
    const first = await temp.kb.bySource("markdown:docs", "a.md");
    git(repo, "mv", "docs/a.md", "docs/b.md");
    await importMarkdownFolder(temp.kb, docs);
    await temp.kb.close();
    writeFileSync(join(docs, "a.md"), "# A again\n\nAnother text.\n");

    const reopened = await openKnowledgeBase({ log: temp.log, dir: join(temp.dir, "knowledge") });
    try {
      const report = await importMarkdownFolder(reopened, docs);
      expect(report).toMatchObject({ captured: 1, unchanged: 1, retracted: 0, renamed: [] });
      const again = await reopened.bySource("markdown:docs", "a.md");
      expect(again?.id).not.toBe(first?.id);
      expect((await reopened.bySource("markdown:docs", "b.md"))?.id).toBe(first?.id);
      expect(await importMarkdownFolder(reopened, docs)).toMatchObject({
        captured: 0,
        revised: 0,
        unchanged: 2,
      });
    } finally {
      await reopened.close();
    }
  });

  it("a file renamed and lightly edited in one commit keeps its document and records the edit as a revision", async () => {
    const { repo, docs } = repositoryWith({ "retries.md": runbook("Tell the channel.") });
    await importMarkdownFolder(temp.kb, docs);
    const before = await temp.kb.bySource("markdown:docs", "retries.md");
    git(repo, "mv", "docs/retries.md", "docs/runbook.md");
    writeFileSync(join(docs, "runbook.md"), runbook("Tell #payments-oncall."));

    const report = await importMarkdownFolder(temp.kb, docs);
    expect(report).toMatchObject({ captured: 0, revised: 1, retracted: 0 });
    expect(report.renamed).toEqual([
      { id: before?.id, from: "retries.md", to: "runbook.md", content: "edited" },
    ]);
    const after = await temp.kb.bySource("markdown:docs", "runbook.md");
    expect(after?.id).toBe(before?.id);
    expect(after?.body).toContain("Tell #payments-oncall.");
    expect(after?.revisions).toHaveLength(2);
  });

  it("a file renamed and mostly rewritten is a new document, and the old one is retracted", async () => {
    const { repo, docs } = repositoryWith({ "retries.md": runbook("Tell the channel.") });
    await importMarkdownFolder(temp.kb, docs);
    const before = await temp.kb.bySource("markdown:docs", "retries.md");
    git(repo, "mv", "docs/retries.md", "docs/runbook.md");
    writeFileSync(
      join(docs, "runbook.md"),
      "# Payment retries\n\nCheck the queue.\nPage the owner.\nCall the bank.\n",
    );

    const report = await importMarkdownFolder(temp.kb, docs);
    expect(report).toMatchObject({ captured: 1, retracted: 1, renamed: [] });
    expect((await temp.kb.get(before?.id ?? ""))?.retracted).toBeDefined();
  });

  it("two new copies of a removed file are no rename: both are new documents, with a warning", async () => {
    const text = "# Retries\n\nWe retry payments twice.\n";
    const { repo, docs } = repositoryWith({ "retries.md": text });
    await importMarkdownFolder(temp.kb, docs);
    writeFileSync(join(docs, "one.md"), text);
    writeFileSync(join(docs, "two.md"), text);
    git(repo, "rm", "--quiet", "docs/retries.md");

    const report = await importMarkdownFolder(temp.kb, docs);
    expect(report).toMatchObject({ captured: 2, retracted: 1, renamed: [] });
    expect(report.warnings).toContainEqual({
      item: "one.md",
      message:
        "not taken as a rename: more than one file fits (one.md, two.md), so it is imported as a new document and a removed file's document is retracted",
    });
  });
});

describe("KnowledgeBase.move", () => {
  it("refuses an address another live document has, and a retracted document, naming them", async () => {
    const source = (uri: string) => ({ system: "notes", uri });
    const a = await temp.kb.capture({ kind: "note", title: "A", body: "a", source: source("a.md") });
    const b = await temp.kb.capture({ kind: "note", title: "B", body: "b", source: source("b.md") });

    const taken = await temp.kb.move(a.id, "b.md").catch((error: unknown) => error);
    expect(taken).toBeInstanceOf(ValidationError);
    expect((taken as ValidationError).issues).toEqual([
      {
        path: "uri",
        message: `b.md is the address of document ${b.id} ("B") in notes; retract that document first, or move ${a.id} elsewhere`,
      },
    ]);

    await temp.kb.retract(b.id, "gone");
    expect((await temp.kb.move(a.id, "b.md")).source).toEqual(source("b.md"));
    expect((await temp.kb.bySource("notes", "b.md"))?.id).toBe(a.id);
    await expect(temp.kb.move(b.id, "c.md")).rejects.toBeInstanceOf(DocumentRetractedError);

    // Opened from the caches, the address is the document's that arrived there last, as the log says.
    await temp.kb.close();
    const reopened = await openKnowledgeBase({ log: temp.log, dir: join(temp.dir, "knowledge") });
    try {
      expect((await reopened.bySource("notes", "b.md"))?.id).toBe(a.id);
      expect(await reopened.bySource("notes", "a.md")).toBeUndefined();
    } finally {
      await reopened.close();
    }
  });
});
