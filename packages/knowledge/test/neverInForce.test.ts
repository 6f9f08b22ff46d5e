/**
 * A document whose validity would end before it starts is never in force: no
 * search, current or as of any instant, would find it. Capture refused it only
 * when both ends were given; a revision, or a capture whose start defaults to
 * its capture time, wrote it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importMarkdownFolder } from "../src/index.js";
import { refused } from "./fixtures/refusedWrite.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("knowledge-never-in-force-");

const note = {
  kind: "note",
  title: "Card fees",
  body: "Card fees are 2%.",
  source: { system: "test" },
} as const;

describe("validity that ends before it starts", () => {
  it("refuses a revision whose validTo is not after its validFrom, given or kept", async () => {
    const doc = await temp.kb.capture({ ...note, validFrom: "2025-06-01T00:00:00Z" });

    const both = await refused(temp.log, () =>
      temp.kb.revise(doc.id, { validFrom: "2025-01-01T00:00:00Z", validTo: "2024-01-01T00:00:00Z" }),
    );
    expect(both.message).toBe(
      `revision of ${doc.id} is invalid: validTo: validTo must be after validFrom: it would be valid from 2025-01-01T00:00:00.000Z to 2024-01-01T00:00:00.000Z`,
    );
    const kept = await refused(temp.log, () => temp.kb.revise(doc.id, { validTo: "2025-06-01T00:00:00Z" }));
    expect(kept.issues).toEqual([
      {
        path: "validTo",
        message:
          "validTo must be after validFrom: it would be valid from 2025-06-01T00:00:00.000Z to 2025-06-01T00:00:00.000Z",
      },
    ]);
    const ended = await temp.kb.revise(doc.id, { validTo: "2025-09-01T00:00:00Z" });
    expect(ended.changed).toBe(true);
    const moved = await refused(temp.log, () =>
      temp.kb.revise(doc.id, { validFrom: "2025-10-01T00:00:00+02:00" }),
    );
    expect(moved.issues[0]?.path).toBe("validFrom");
    expect((await temp.kb.search("card fees", { asOf: "2025-07-01T00:00:00Z" })).hits).toHaveLength(1);
  });

  it("refuses a capture whose validTo is not after the start it defaults to, and says to give validFrom", async () => {
    const error = await refused(temp.log, () =>
      temp.kb.capture({
        ...note,
        source: { system: "test", capturedAt: "2024-05-01T00:00:00Z" },
        validTo: "2024-01-01T00:00:00Z",
      }),
    );
    expect(error.message).toBe(
      "document is invalid: validTo: validTo must be after validFrom: it would be valid from 2024-05-01T00:00:00.000Z (its source.capturedAt; give validFrom) to 2024-01-01T00:00:00.000Z",
    );
    await refused(temp.log, () => temp.kb.capture({ ...note, validTo: "2020-01-01T00:00:00Z" }));
  });

  it("reports a markdown file whose front matter ends its validity before it starts, at its validTo", async () => {
    const folder = join(temp.dir, "notes");
    mkdirSync(folder);
    writeFileSync(
      join(folder, "fees.md"),
      "---\ntitle: Card fees\nvalidTo: 2020-01-01\n---\nCard fees are 2%.\n",
    );

    const report = await importMarkdownFolder(temp.kb, folder);

    expect(report.captured).toBe(0);
    expect(report.problems).toMatchObject([{ item: "fees.md", line: 3, column: 10 }]);
    expect(report.problems[0]?.message).toContain("validTo must be after validFrom");
  });
});
