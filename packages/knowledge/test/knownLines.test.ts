import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KnownLines, NotFoundError, openEventLog } from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { openKnowledgeBase } from "../src/index.js";
import { useTempKnowledgeBase } from "./fixtures/tempKnowledgeBase.js";

const temp = useTempKnowledgeBase("factory-kb-lines-");

const note = (lines: string[]) => ({
  kind: "note" as const,
  title: "Retries",
  body: "We retry twice.",
  source: { system: "t" },
  lines,
});

describe("lines a document links to", () => {
  it("are refused when the lines option does not know them, after catching it up", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-kb-lines-"));
    const log = await openEventLog({ path: join(dir, "factory.db") });
    const declared = ["checkout"];
    let refreshes = 0;
    const lines: KnownLines = {
      hasLine: (line) => declared.includes(line),
      refresh: async () => {
        refreshes += 1;
      },
    };
    const kb = await openKnowledgeBase({ log, lines });
    try {
      const refused = kb.capture(note(["checkout", "ghost"]));
      await expect(refused).rejects.toBeInstanceOf(NotFoundError);
      await expect(refused).rejects.toMatchObject({ entity: "line", id: "ghost", field: "lines[1]" });
      expect(await kb.list()).toEqual([]);
      expect(refreshes).toBeGreaterThan(0);

      const document = await kb.capture(note(["checkout"]));
      await expect(kb.revise(document.id, { lines: ["nowhere"] })).rejects.toMatchObject({
        id: "nowhere",
        field: "lines[0]",
      });
      declared.push("search");
      const { document: revised } = await kb.revise(document.id, { lines: ["search"] });
      expect(revised.lines).toEqual(["search"]);
    } finally {
      await kb.close();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are taken as they are without the lines option", async () => {
    const document = await temp.kb.capture(note(["any-line"]));
    expect(document.lines).toEqual(["any-line"]);
  });
});
