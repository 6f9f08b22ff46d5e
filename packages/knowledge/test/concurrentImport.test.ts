import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog } from "@software-factory/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFixture, type waitForExit } from "../../core/test/fixtures/runChild.js";
import {
  DocumentCaptured,
  DocumentRetracted,
  DocumentRevised,
  type ImportReport,
  importMarkdownFolder,
  importRecords,
  type KnowledgeBase,
  openKnowledgeBase,
} from "../src/index.js";

const importer = join(import.meta.dirname, "fixtures", "importerChild.ts");
const FILES = 30;
let dir: string;
let db: string;
let folder: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "factory-kb-race-"));
  db = join(dir, "factory.db");
  folder = join(dir, "notes");
  mkdirSync(folder);
  for (let index = 0; index < FILES; index += 1) {
    writeFileSync(
      join(folder, `note-${String(index).padStart(2, "0")}.md`),
      `# Note ${index}\n\nword${index}`,
    );
  }
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An importer process, and the lines it printed so far. */
interface Importer {
  readonly exited: ReturnType<typeof waitForExit>;
  /** Resolves with the first line printed that starts with `prefix`; rejects if the process ends first. */
  line(prefix: string): Promise<string>;
}

/**
 * Starts `count` importer processes for `rounds` rounds (fixtures/importerChild.ts), each ready for the first.
 * One after another: they race in the imports, not in loading the package, which several processes at once on a
 * loaded machine took over 20 s to do (startFixture's limit; about 7 s for one alone at load 20).
 */
async function startImporters(count: number, rounds: number): Promise<Importer[]> {
  const signals = join(dir, "signal");
  writeFileSync(`${signals}-open-1`, "");
  const started: Awaited<ReturnType<typeof startFixture>>[] = [];
  for (let index = 0; index < count; index += 1)
    started.push(await startFixture(importer, [db, folder, signals, String(rounds)], "ready 1"));
  return started.map(({ child, exited }) => {
    // What startFixture saw before this listener.
    let printed = "ready 1\n";
    const waiting = new Set<() => void>();
    child.stdout?.on("data", (chunk) => {
      printed += String(chunk);
      for (const check of waiting) check();
    });
    const ended = exited.then((exit) => {
      throw new Error(`importer ended (${exit.code ?? exit.signal}) before printing: ${exit.stderr}`);
    });
    ended.catch(() => undefined);
    // A line printed before the process ended wins over its end (the first settled promise of the race).
    const line = (prefix: string) =>
      Promise.race([
        new Promise<string>((resolve) => {
          const check = () => {
            const found = printed.split("\n").find((each) => each.startsWith(prefix));
            if (found === undefined) return;
            waiting.delete(check);
            resolve(found);
          };
          waiting.add(check);
          check();
        }),
        ended,
      ]);
    return { exited, line };
  });
}

/** Opens round `round` of the importers, lets them go at once once all are ready, and returns their reports. */
async function importAtOnce(importers: readonly Importer[], round: number): Promise<ImportReport[]> {
  const signals = join(dir, "signal");
  writeFileSync(`${signals}-open-${round}`, "");
  await Promise.all(importers.map((each) => each.line(`ready ${round}`)));
  writeFileSync(`${signals}-start-${round}`, "");
  const lines = await Promise.all(importers.map((each) => each.line(`report ${round} `)));
  return lines.map((line) => JSON.parse(line.slice(`report ${round} `.length)) as ImportReport);
}

/** How many events of a type the log holds per subject or per source uri. */
async function eventsOf(type: string, by: (event: { subject: string; data: unknown }) => string) {
  const log = await openEventLog({ path: db });
  const counts = new Map<string, number>();
  for await (const event of log.readAll({ types: [type] })) {
    counts.set(by(event), (counts.get(by(event)) ?? 0) + 1);
  }
  await log.close();
  return counts;
}

describe("importMarkdownFolder from several processes at once", () => {
  it("keeps one document per file, one revision per change and one retraction per removed file", async () => {
    const importers = await startImporters(3, 2);
    const first = await importAtOnce(importers, 1);
    expect(first.reduce((sum, report) => sum + report.captured, 0)).toBe(FILES);
    const captures = await eventsOf(
      DocumentCaptured.type,
      (event) => (event.data as { source: { uri: string } }).source.uri,
    );
    expect(captures.size).toBe(FILES);
    expect([...captures.values()].every((count) => count === 1)).toBe(true);

    for (let index = 0; index < FILES; index += 2) {
      appendFileSync(join(folder, `note-${String(index).padStart(2, "0")}.md`), "\n\nchanged");
    }
    rmSync(join(folder, "note-01.md"));
    const second = await importAtOnce(importers, 2);
    for (const report of second) expect(report.problems).toEqual([]);
    const revisions = await eventsOf(DocumentRevised.type, (event) => event.subject);
    expect(revisions.size).toBe(FILES / 2);
    expect([...revisions.values()].every((count) => count === 1)).toBe(true);
    const retractions = await eventsOf(DocumentRetracted.type, (event) => event.subject);
    expect([...retractions.values()]).toEqual([1]);

    for (const { exited } of importers) {
      const exit = await exited;
      expect(exit.code, exit.stderr).toBe(0);
    }

    const log = await openEventLog({ path: db });
    const kb = await openKnowledgeBase({ log });
    try {
      const again = await importMarkdownFolder(kb, folder);
      expect(again).toMatchObject({ captured: 0, revised: 0, unchanged: FILES - 1, retracted: 0 });
    } finally {
      await kb.close();
      await log.close();
    }
  }, 120_000);
});

describe("knowledge bases of one log writing the same document at once", () => {
  let logs: EventLog[];
  let kbs: KnowledgeBase[];

  beforeEach(async () => {
    logs = await Promise.all([1, 2, 3].map(() => openEventLog({ path: db })));
    kbs = await Promise.all(logs.map((log) => openKnowledgeBase({ log })));
  });
  afterEach(async () => {
    for (const kb of kbs) await kb.close();
    for (const log of logs) await log.close();
  });

  const note = (body: string) => ({
    kind: "note" as const,
    title: "Retries",
    body,
    source: { system: "notes", uri: "retries.md" },
  });

  it("captureOrRevise captures a source address once, and the losers find it unchanged", async () => {
    const results = await Promise.all(kbs.map((kb) => kb.captureOrRevise(note("Retry three times."))));
    expect(results.map((result) => result.outcome).sort()).toEqual(["captured", "unchanged", "unchanged"]);
    expect(new Set(results.map((result) => result.document.id)).size).toBe(1);
    expect(await (kbs[0] as KnowledgeBase).fromSystem("notes")).toHaveLength(1);
  });

  it("captureOrRevise with different contents keeps one document whose revisions hold each content once", async () => {
    const bodies = ["first", "second", "third"];
    const results = await Promise.all(
      kbs.map((kb, index) => kb.captureOrRevise(note(bodies[index] as string))),
    );
    expect(results.filter((result) => result.outcome === "captured")).toHaveLength(1);
    const [document] = await (kbs[0] as KnowledgeBase).fromSystem("notes");
    expect(document?.revisions.map((revision) => revision.body).sort()).toEqual(bodies);
  });

  it("revise of the same revision to the same content records one revision", async () => {
    const { document } = await (kbs[0] as KnowledgeBase).captureOrRevise(note("before"));
    for (const kb of kbs) await kb.sync();
    await Promise.all(kbs.map((kb) => kb.revise(document.id, { body: "after" })));
    const revised = await (kbs[1] as KnowledgeBase).get(document.id);
    expect(revised?.revisions.map((revision) => revision.body)).toEqual(["before", "after"]);
  });

  it("retract of one document by several writers records one retraction", async () => {
    const { document } = await (kbs[0] as KnowledgeBase).captureOrRevise(note("gone soon"));
    for (const kb of kbs) await kb.sync();
    const retracted = await Promise.all(kbs.map((kb, index) => kb.retract(document.id, `reason ${index}`)));
    expect(new Set(retracted.map((each) => each.retracted?.reason)).size).toBe(1);
    const retractions = await eventsOf(DocumentRetracted.type, (event) => event.subject);
    expect(retractions.get(document.id)).toBe(1);
  });

  it("importRecords of one file by every knowledge base keeps one document per record id", async () => {
    const file = join(dir, "tickets.jsonl");
    const records = Array.from({ length: 20 }, (_, index) => ({
      id: `T-${index}`,
      subject: `Ticket ${index}`,
      text: `body ${index}`,
    }));
    writeFileSync(file, records.map((record) => JSON.stringify(record)).join("\n"));
    const mapping = { id: "id", title: "subject", body: "text" };
    const reports = await Promise.all(
      kbs.map((kb) => importRecords(kb, file, { system: "zendesk", mapping })),
    );
    expect(reports.reduce((sum, report) => sum + report.captured, 0)).toBe(20);
    const documents = await (kbs[0] as KnowledgeBase).fromSystem("zendesk");
    expect(documents).toHaveLength(20);
  });

  it("captureOrRevise refuses a document without a source address", async () => {
    await expect(
      (kbs[0] as KnowledgeBase).captureOrRevise({
        kind: "note",
        title: "T",
        body: "b",
        // A caller without types (JSON from a tool) can send this; the type says uri is required.
        source: { system: "notes" } as { system: string; uri: string },
      }),
    ).rejects.toThrow(/source\.uri: is required/);
  });
});
