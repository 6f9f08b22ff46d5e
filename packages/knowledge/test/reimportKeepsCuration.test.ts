/**
 * A folder imported again does not undo what people curated since: a file
 * unchanged since its last import keeps a revision made by hand, a changed
 * one replaces it with a warning naming it, a decision superseded since
 * stays superseded, and a retracted document's file stays out while it is
 * unchanged (the audit's findings 1, 2 and 5).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { decisionMarkdown, importMarkdownFolder, type SourcedCaptureInput } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("knowledge-reimport-");

/** A folder `notes` outside git holding `files`; its source system is `markdown:notes`. */
function notesWith(files: Record<string, string>): string {
  const folder = join(temp.dir, "notes");
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

const PRICING = "---\ntitle: Pricing\nkind: strategy\n---\nStarter costs EUR 19.\n";

describe("importMarkdownFolder run again over curated documents", () => {
  it("keeps a revision made by hand while the file is unchanged since its last import", async () => {
    const folder = notesWith({ "pricing.md": PRICING, "other.md": "# Other\nother\n" });
    await importMarkdownFolder(temp.kb, folder);
    const imported = await temp.kb.bySource("markdown:notes", "pricing.md");
    const id = imported?.id ?? "";
    await temp.kb.revise(
      id,
      { body: "Starter costs EUR 25 from July.\n", tags: ["pricing"], reason: "board decision" },
      { actor: "alice" },
    );
    writeFileSync(join(folder, "other.md"), "# Other\nother, edited\n");

    const again = await importMarkdownFolder(temp.kb, folder);

    expect(again).toMatchObject({ captured: 0, revised: 1, unchanged: 1, retracted: 0, warnings: [] });
    const kept = await temp.kb.get(id);
    expect(kept).toMatchObject({ body: "Starter costs EUR 25 from July.\n", tags: ["pricing"] });
    expect(kept?.revisions).toHaveLength(2);
  });

  it("revises a file changed since its last import over a hand revision, with a warning naming that revision", async () => {
    const folder = notesWith({ "pricing.md": PRICING });
    await importMarkdownFolder(temp.kb, folder);
    const id = (await temp.kb.bySource("markdown:notes", "pricing.md"))?.id ?? "";
    await temp.kb.revise(
      id,
      { body: "Starter costs EUR 25 from July.\n", reason: "board decision" },
      { actor: "alice" },
    );
    writeFileSync(join(folder, "pricing.md"), PRICING.replace("EUR 19", "EUR 29"));

    const changed = await importMarkdownFolder(temp.kb, folder);

    expect(changed).toMatchObject({ revised: 1, unchanged: 0 });
    expect(changed.warnings).toEqual([
      {
        item: "pricing.md",
        message: `replaces revision 2 of ${id} by alice ("board decision"): its source changed since its last import, and the source is what is kept`,
      },
    ]);
    expect((await temp.kb.get(id))?.body).toBe("Starter costs EUR 29.\n");
    // The import's own revision replaced nobody's: the next run says nothing.
    expect(await importMarkdownFolder(temp.kb, folder)).toMatchObject({ unchanged: 1, warnings: [] });
  });

  it("keeps a hand revision of a document captured before imports recorded what they took", async () => {
    const folder = notesWith({ "pricing.md": PRICING });
    // What an import of an earlier release wrote: a capture at the file's address, without a source hash.
    const old = await temp.kb.capture({
      kind: "strategy",
      title: "Pricing",
      body: "Starter costs EUR 19.\n",
      source: { system: `markdown:${basename(folder)}`, uri: "pricing.md" },
    });
    expect(old.revisions[0]?.sourceHash).toBeUndefined();
    await temp.kb.revise(old.id, { body: "Starter costs EUR 25.\n", reason: "board decision" });

    expect(await importMarkdownFolder(temp.kb, folder)).toMatchObject({ unchanged: 1, warnings: [] });
    expect((await temp.kb.get(old.id))?.body).toBe("Starter costs EUR 25.\n");
  });

  it("skips the file of a retracted document while it is unchanged, naming the retraction", async () => {
    const folder = notesWith({ "inc-19.md": "# INC-19 postmortem\nDuplicate dunning emails.\n" });
    await importMarkdownFolder(temp.kb, folder);
    const id = (await temp.kb.bySource("markdown:notes", "inc-19.md"))?.id ?? "";
    const retracted = await temp.kb.retract(id, "wrong numbers, do not use", { actor: "bob" });

    const again = await importMarkdownFolder(temp.kb, folder);

    expect(again).toMatchObject({ captured: 0, revised: 0, unchanged: 1 });
    expect(again.warnings).toEqual([
      {
        item: "inc-19.md",
        message: `skipped: its document ${id} ("INC-19 postmortem") was retracted at ${retracted.retracted?.at} by bob ("wrong numbers, do not use"), and the source is unchanged since it was last imported: delete it, or edit it to capture it again as a new document`,
      },
    ]);
    expect((await temp.kb.fromSystem("markdown:notes")).map((document) => document.id)).toEqual([id]);
  });

  it("captures anew a retracted document's file edited since, with a warning naming the retracted document", async () => {
    const folder = notesWith({ "inc-19.md": "# INC-19 postmortem\nDuplicate dunning emails.\n" });
    await importMarkdownFolder(temp.kb, folder);
    const id = (await temp.kb.bySource("markdown:notes", "inc-19.md"))?.id ?? "";
    const retracted = await temp.kb.retract(id, "wrong numbers", { actor: "bob" });
    writeFileSync(join(folder, "inc-19.md"), "# INC-19 postmortem\nDuplicate dunning emails, 2,300 sent.\n");

    const again = await importMarkdownFolder(temp.kb, folder);

    const anew = await temp.kb.bySource("markdown:notes", "inc-19.md");
    expect(anew?.id).not.toBe(id);
    expect(again).toMatchObject({ captured: 1 });
    expect(again.warnings).toEqual([
      {
        item: "inc-19.md",
        message: `captured anew as ${anew?.id}: its document ${id} ("INC-19 postmortem") was retracted at ${retracted.retracted?.at} by bob ("wrong numbers"), and the source changed since it was last imported; retract ${anew?.id} and delete the source if it should stay out`,
      },
    ]);
  });

  it("captures again without a warning a file that comes back after the import retracted it as removed", async () => {
    const folder = notesWith({ "guide.md": "# Guide\nRun it.\n", "other.md": "# Other\nx\n" });
    await importMarkdownFolder(temp.kb, folder);
    rmSync(join(folder, "guide.md"));
    expect(await importMarkdownFolder(temp.kb, folder)).toMatchObject({ retracted: 1 });
    writeFileSync(join(folder, "guide.md"), "# Guide\nRun it.\n");

    expect(await importMarkdownFolder(temp.kb, folder)).toMatchObject({ captured: 1, warnings: [] });
  });
});

describe("captureOrRevise as a re-import of a decision record", () => {
  const decision = {
    status: "accepted" as const,
    context: "Customers want reminders.",
    options: [],
    decision: "Remind at 7 and 21 days.",
    consequences: "Not configurable.",
  };
  const record = (consequences: string): SourcedCaptureInput => ({
    kind: "decision",
    title: "ADR-3: Reminders",
    body: decisionMarkdown({ ...decision, consequences }),
    decision: { ...decision, consequences },
    source: { system: "decisions:adr", uri: "adr-3.md" },
  });
  const reimport = { reason: "re-imported from adr-3.md", reimport: true };

  it("keeps a decision that a later one superseded superseded when its edited record comes again, with a warning", async () => {
    const { document: old } = await temp.kb.captureOrRevise(record("Not configurable."), reimport);
    const later = await temp.kb.recordDecision({
      title: "ADR-5: Configurable reminder days",
      context: "Tenants asked.",
      decision: "Configurable.",
      supersedes: [old.id],
      source: { system: "cli" },
    });
    const at = (await temp.kb.get(old.id))?.supersededBy?.at;

    const edited = await temp.kb.captureOrRevise(record("Not configurable, fixed."), reimport);

    expect(edited.outcome).toBe("revised");
    expect(edited.warnings).toEqual([
      `stays superseded by ${later.id} (since ${at}): the source says status: accepted, which a re-import does not restore; write status: superseded in it`,
    ]);
    expect(edited.document).toMatchObject({
      decision: { status: "superseded", consequences: "Not configurable, fixed." },
      supersededBy: { id: later.id },
    });
    expect(edited.document.body).toBe(
      decisionMarkdown({ ...decision, status: "superseded", consequences: "Not configurable, fixed." }),
    );
  });
});
