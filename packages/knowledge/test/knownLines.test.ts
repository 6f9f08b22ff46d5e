import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineEvent,
  type EventLog,
  type KnownLines,
  NotFoundError,
  openEventLog,
} from "@software-factory/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
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

  it("are checked again when another writer retires one between the check and the append", async () => {
    const dir = mkdtempSync(join(tmpdir(), "factory-kb-lines-race-"));
    const path = join(dir, "factory.db");
    const log = await openEventLog({ path, events: [LineRetired] });
    const other = await openEventLog({ path, events: [LineRetired] });
    const lines = linesFoldedFrom(log);
    const kb = await openKnowledgeBase({ log, lines });
    try {
      lines.retireAfterNextRefresh("checkout", other);
      const refused = kb.capture(note(["search", "checkout"]));
      await expect(refused).rejects.toMatchObject({
        _tag: "NotFoundError",
        id: "checkout",
        field: "lines[1]",
      });
      expect(await kb.list()).toEqual([]);

      const document = await kb.capture(note(["search"]));
      lines.retireAfterNextRefresh("search", other);
      await expect(
        kb.revise(document.id, { body: "We retry three times.", lines: ["search"] }),
      ).rejects.toMatchObject({
        _tag: "NotFoundError",
        id: "search",
      });
      expect((await kb.get(document.id))?.revisions).toHaveLength(1);
    } finally {
      await kb.close();
      await other.close();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A line retired (subject: the line id), standing in for the floor plan's event. */
const LineRetired = defineEvent("test.line.retired", z.object({}));

/**
 * Lines `checkout` and `search`, less those retired in `log`, folded on each
 * refresh; `retireAfterNextRefresh` makes another writer retire a line just
 * after the next refresh, so the check that follows still finds it.
 */
function linesFoldedFrom(
  log: EventLog,
): KnownLines & { retireAfterNextRefresh(line: string, writer: EventLog): void } {
  const retired = new Set<string>();
  let folded = 0;
  let retireNext: (() => Promise<unknown>) | undefined;
  return {
    hasLine: (line: string) => ["checkout", "search"].includes(line) && !retired.has(line),
    refresh: async () => {
      const head = await log.head();
      for await (const event of log.readAll({ after: folded, until: head, types: [LineRetired.type] })) {
        retired.add(event.subject);
      }
      folded = head;
      const retire = retireNext;
      retireNext = undefined;
      await retire?.();
    },
    retireAfterNextRefresh(line: string, writer: EventLog) {
      retireNext = () => writer.append({ type: LineRetired.type, subject: line, data: {} });
    },
  };
}
