import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, hashJson, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DocumentCaptured, type KnowledgeBase, knowledgeEvents, openKnowledgeBase } from "../src/index.js";

/** Documents another writer appends at once, about 300 KB of markdown. */
const DOCUMENTS = 120;
let dir: string;
let log: EventLog;
let kb: KnowledgeBase;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-reindex-"));
  log = await openEventLog({ path: join(dir, "factory.db") });
  log.registry.register(...knowledgeEvents);
  kb = await openKnowledgeBase({ log, dir: join(dir, "knowledge") });
  // One search first, so the markdown parser is loaded before the catch-up under test.
  await kb.capture({
    kind: "note",
    title: "Warm-up",
    body: "# Warm-up\n\nnothing",
    source: { system: "test" },
  });
  await kb.search("warm-up");
});
afterEach(async () => {
  await kb.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Appends many sectioned markdown documents, each mentioning "quokka" once, as another process's import would. */
async function appendDocuments(): Promise<void> {
  const validFrom = new Date().toISOString();
  const paragraph = "Payment retries back off exponentially before the order is marked as failed. ".repeat(6);
  await log.append(
    Array.from({ length: DOCUMENTS }, (_, index) => {
      const title = `Runbook ${index}`;
      const body = [
        `# ${title}`,
        ...Array.from({ length: 5 }, (_, section) => `## Step ${section}\n\n${paragraph}`),
        "## Contact\n\nAsk the quokka team.",
      ].join("\n\n");
      return {
        type: DocumentCaptured.type,
        subject: `runbook_${index}`,
        data: {
          kind: "runbook",
          source: { system: "other-process", uri: `runbooks/${index}.md` },
          links: [],
          supersedes: [],
          title,
          body,
          contentHash: hashJson({ title, body, decision: null }),
          tags: [],
          lines: [],
          validFrom,
        },
      };
    }),
  );
}

describe("catching up on many documents", () => {
  it("lets the event loop turn while it re-indexes them", async () => {
    await appendDocuments();
    let turns = 0;
    let done = false;
    const turn = (): void => {
      turns += 1;
      if (!done) setImmediate(turn);
    };
    setImmediate(turn);
    const { hits } = await kb.search("quokka", { limit: 200 });
    done = true;
    expect(hits).toHaveLength(DOCUMENTS);
    // Re-cutting ~300 KB of markdown in one go would give the loop a turn or two at most.
    expect(turns).toBeGreaterThan(20);
  });

  it("answers a search issued mid-way with every document indexed, none half", async () => {
    await appendDocuments();
    let midway: Promise<number> | undefined;
    const issueMidway = (): void => {
      midway = kb.search("quokka", { limit: 200 }).then((result) => result.hits.length);
    };
    setImmediate(issueMidway);
    const first = await kb.search("quokka", { limit: 200 });
    // Issued while the first search was catching up, and answered after the same catch-up.
    expect(midway).toBeDefined();
    expect(first.hits).toHaveLength(DOCUMENTS);
    expect(await midway).toBe(DOCUMENTS);
    const list = await kb.list({ limit: 500 });
    expect(list).toHaveLength(DOCUMENTS + 1);
  });
});
