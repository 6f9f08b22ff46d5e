import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashJson, ValidationError } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder, importRecords } from "../src/index.js";
import { note } from "./fixtures/retriesNote.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-title-characters-");

/** The message of the ValidationError a call rejects with. */
async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).message;
}

/** A markdown folder holding `files` (name to text). */
function folderOf(files: Readonly<Record<string, string>>): string {
  const folder = join(temp.dir, "notes");
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

describe("a knowledge document's title is one line", () => {
  it("is refused with a control character or a bidi override by every write that takes a title, naming it and its place", async () => {
    const head = await temp.log.head();
    expect(await refusal(temp.kb.capture({ ...note, title: "Refund \u202eknil yb yaP" }))).toBe(
      "document is invalid: title: U+202E (right-to-left override) at character 8 is not allowed in a title",
    );
    expect(
      await refusal(
        temp.kb.captureOrRevise({ ...note, title: "Retries\npolicy", source: { system: "s", uri: "r.md" } }),
      ),
    ).toBe("document is invalid: title: U+000A (line feed) at character 8 is not allowed in a title");
    expect(
      await refusal(
        temp.kb.recordDecision({
          title: "Event\u2066 log",
          context: "Several processes share one factory.",
          decision: "Every change is an event.",
          source: { system: "test" },
        }),
      ),
    ).toMatch(/title: U\+2066 \(left-to-right isolate\) at character 6 is not allowed in a title/);
    expect(await temp.log.head()).toBe(head);

    const captured = await temp.kb.capture({ ...note, title: "  Retries\t\n" });
    expect(captured.title).toBe("Retries");
    expect(await refusal(temp.kb.revise(captured.id, { title: "Retries\x1b[31m" }))).toMatch(
      /title: U\+001B \(escape\) at character 8 is not allowed in a title/,
    );
    expect((await temp.kb.get(captured.id))?.revisions).toHaveLength(1);
    // Letters of any script and a body of several lines stay as they are.
    const kept = await temp.kb.capture({ ...note, title: "Ретраи · 再試行 · إعادة", body: "a\tb\nc\u202e" });
    expect(kept).toMatchObject({ title: "Ретраи · 再試行 · إعادة", body: "a\tb\nc\u202e" });
  });

  it("is made one line by the markdown import, whose body keeps the heading as written", async () => {
    const folder = folderOf({
      "retries.md": "---\ntitle: |\n  Retries\n  policy\u202e\n---\nWe retry twice.\n",
      "refunds.md": "# Refunds\tand \u2067chargebacks\u2069\n\nWithin 30 days.\n",
      "\u202e.md": "No heading here.\n",
    });
    const report = await importMarkdownFolder(temp.kb, folder, { system: "notes" });
    expect(report).toMatchObject({ captured: 3, problems: [] });
    const titles = Object.fromEntries(
      (await temp.kb.fromSystem("notes")).map((document) => [document.source.uri, document.title]),
    );
    expect(titles).toEqual({
      "retries.md": "Retries policy",
      "refunds.md": "Refunds and chargebacks",
      "\u202e.md": ".md",
    });
    const refunds = await temp.kb.bySource("notes", "refunds.md");
    expect(refunds?.body).toBe("# Refunds\tand \u2067chargebacks\u2069\n\nWithin 30 days.\n");
    expect(await importMarkdownFolder(temp.kb, folder, { system: "notes" })).toMatchObject({
      captured: 0,
      revised: 0,
      unchanged: 3,
    });
  });

  it("is made one line by the records import, named by the system and id when nothing is left", async () => {
    const file = join(temp.dir, "tickets.jsonl");
    const records = [
      { key: "T-1", subject: "Export\tfails\r\nagain \u202eslow", text: "CSV export times out" },
      { key: "T-2", subject: "\u202e\u202c", text: "An empty subject" },
    ];
    writeFileSync(file, `${records.map((record) => JSON.stringify(record)).join("\n")}\n`);
    const mapping = { id: "key", title: "subject", body: "text" };
    expect(await importRecords(temp.kb, file, { system: "zendesk", mapping })).toMatchObject({
      captured: 2,
      problems: [],
    });
    expect((await temp.kb.bySource("zendesk", "T-1"))?.title).toBe("Export fails again slow");
    expect((await temp.kb.bySource("zendesk", "T-2"))?.title).toBe("zendesk T-2");
    expect(await importRecords(temp.kb, file, { system: "zendesk", mapping })).toMatchObject({
      unchanged: 2,
    });
  });
});

describe("a title stored before titles were one line", () => {
  /** Appends the capture of `uri` (system `notes`) as an older version stored it, and opens the knowledge base again. */
  async function storedBefore(documents: readonly { uri: string; title: string; body: string }[]) {
    await temp.log.append(
      documents.map(({ uri, title, body }, index) => ({
        type: "knowledge.document.captured",
        subject: `doc_stored${index}`,
        data: {
          kind: "note",
          source: { system: "notes", uri },
          links: [],
          supersedes: [],
          title,
          body,
          contentHash: hashJson({ title, body, decision: null }),
          tags: [],
          lines: [],
          validFrom: "2026-01-01T00:00:00.000Z",
        },
      })),
    );
    await temp.kb.close();
    return temp.reopen();
  }

  it("is read as stored, revised by a write that leaves the title alone, and cleaned once by a re-import", async () => {
    const retries = "# Retries\tpolicy\n\nWe retry twice.\n";
    const refunds = "# Refunds\n\nWithin 30 days.\n";
    const kb = await storedBefore([
      { uri: "retries.md", title: "Retries\tpolicy", body: retries },
      { uri: "refunds.md", title: "Refunds", body: refunds },
    ]);
    expect((await kb.get("doc_stored0"))?.title).toBe("Retries\tpolicy");
    expect((await kb.search("retry")).hits.map((hit) => hit.document.title)).toEqual(["Retries\tpolicy"]);
    const tagged = await kb.revise("doc_stored0", { tags: ["payments"] });
    expect(tagged).toMatchObject({ changed: true, document: { title: "Retries\tpolicy" } });
    await kb.revise("doc_stored0", { tags: [] });

    // The unchanged files: the one whose title the import now makes one line gets one revision, the other none.
    const folder = folderOf({ "retries.md": retries, "refunds.md": refunds });
    expect(await importMarkdownFolder(kb, folder, { system: "notes" })).toMatchObject({
      captured: 0,
      revised: 1,
      unchanged: 1,
    });
    expect(await kb.get("doc_stored0")).toMatchObject({ title: "Retries policy", body: retries });
    expect((await kb.get("doc_stored1"))?.revisions).toHaveLength(1);
    expect(await importMarkdownFolder(kb, folder, { system: "notes" })).toMatchObject({
      revised: 0,
      unchanged: 2,
    });
  });
});
