import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClosedError,
  createMemoryEventStore,
  type EventLog,
  openEventLog,
  type StoredEvent,
} from "@software-factory/core";
import {
  AutomationAdvanced,
  AutomationHandled,
  defineAutomation,
  startAutomations,
} from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { spawnFixture, waitForExit, waitForOutput } from "../../../core/test/fixtures/runChild.js";
import { NoteAdded, NoteCounted } from "../fixtures/counting.js";
import { countMultiplesOf } from "./countMultiples.js";

const child = join(import.meta.dirname, "countMultiplesChild.ts");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A log in a new SQLite file with `count` notes, n = 0 to count - 1. */
async function logWithNotes(count: number): Promise<{ log: EventLog; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), "factory-quiet-handlings-"));
  dirs.push(dir);
  const path = join(dir, "factory.db");
  const log = await openEventLog({ path, events: [NoteAdded, NoteCounted] });
  await log.append(
    Array.from({ length: count }, (_, n) => ({ type: NoteAdded.type, subject: `note-${n}`, data: { n } })),
  );
  return { log, path };
}

/** An automation that reads every note and emits nothing, counting its calls. */
function ignoring(): { readonly automation: ReturnType<typeof defineAutomation>; readonly calls: number[] } {
  const calls: number[] = [];
  const automation = defineAutomation({
    name: "ignore-notes",
    description: "Reads every note and does nothing.",
    on: [NoteAdded.type],
    run: (event) => void calls.push(event.seq),
  });
  return { automation, calls };
}

/** The data of the events of a type. */
async function dataOf<T>(log: EventLog, type: string): Promise<T[]> {
  return (await log.read({ types: [type], limit: 100_000 })).map((event) => event.data as T);
}

describe("handlings that emit nothing", () => {
  it("are recorded 500 at a time and at a close, not once each, and not run again by the next start", async () => {
    const { log } = await logWithNotes(1200);
    const { automation, calls } = ignoring();
    const first = await startAutomations({ log, automations: [automation], services: {} });
    await first.idle();
    await first.close();
    expect(calls).toHaveLength(1200);
    expect(await dataOf(log, AutomationHandled.type)).toEqual([]);
    const advanced = await dataOf<{ position: number; handled: number }>(log, AutomationAdvanced.type);
    expect(advanced.map(({ position, handled }) => [position, handled])).toEqual([
      [500, 500],
      [1000, 500],
      [1200, 200],
    ]);

    await log.append({ type: NoteAdded.type, subject: "note-1200", data: { n: 1200 } });
    const [added] = await log.read({ types: [NoteAdded.type], after: 1200 });
    const second = await startAutomations({ log, automations: [automation], services: {} });
    await second.idle();
    await second.close();
    expect(calls.slice(1200)).toEqual([added?.seq]);
    await log.close();
  });

  it("mark only the events whose handling emitted, each in the append of what it emitted", async () => {
    const { log } = await logWithNotes(30);
    const runner = await startAutomations({ log, automations: [countMultiplesOf(7)], services: {} });
    await runner.idle();
    await runner.close();
    const marks = await dataOf<{ eventSeq: number; emitted: number }>(log, AutomationHandled.type);
    expect(marks.map((mark) => [mark.eventSeq, mark.emitted])).toEqual([
      [1, 1],
      [8, 1],
      [15, 1],
      [22, 1],
      [29, 1],
    ]);
    const counted = await log.read({ types: [NoteCounted.type] });
    const marked = await log.read({ types: [AutomationHandled.type] });
    expect(counted.map((event) => event.seq + 1)).toEqual(marked.map((event) => event.seq));
    // The 25 handlings that emitted nothing are counted by the close's record.
    expect(await dataOf(log, AutomationAdvanced.type)).toEqual([
      { automation: "count-multiples", position: 30, handled: 25 },
    ]);
    await log.close();
  });

  it("leave no emission missed or repeated when the process is killed during a catch-up", async () => {
    // Marks at notes 0, 600 and 1200, a record after each 500 quiet handlings (notes 500, 1001).
    const notes = 1500;
    const k = 600;
    const { log, path } = await logWithNotes(notes);
    const process = spawnFixture(child, [path, String(k)]);
    const exit = waitForExit(process);
    await waitForOutput(process, `recorded ${AutomationAdvanced.type}`, 60_000);
    process.kill("SIGKILL");
    const { signal, stdout } = await exit;
    expect(signal).toBe("SIGKILL");
    const ran = new Set(stdout.match(/^ran \d+$/gm)?.map((line) => Number(line.slice(4))));
    const reached = Math.max(
      ...(await dataOf<{ eventSeq: number }>(log, AutomationHandled.type)).map((mark) => mark.eventSeq),
      ...(await dataOf<{ position: number }>(log, AutomationAdvanced.type)).map((record) => record.position),
    );
    expect(reached).toBeGreaterThanOrEqual(501);
    expect(reached).toBeLessThan(notes);
    // What the child recorded it had handled, it had run.
    expect(Array.from({ length: reached }, (_, index) => index + 1).filter((seq) => !ran.has(seq))).toEqual(
      [],
    );

    const runner = await startAutomations({ log, automations: [countMultiplesOf(k)], services: {} });
    await runner.idle();
    await runner.close();
    const counts = new Map<number, number>();
    for (const event of await log.read({ types: [NoteCounted.type], limit: 100_000 })) {
      const { n } = event.data as { n: number };
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([0, 600, 1200]);
    expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
    await log.close();
  });

  it("let the process serve other work while a long catch-up runs", async () => {
    const { log } = await logWithNotes(1200);
    const { automation, calls } = ignoring();
    const runner = await startAutomations({ log, automations: [automation], services: {} });
    // A request that arrived meanwhile (stdin, a socket) is served from the event loop as this is.
    const served = new Promise<number>((resolve) => setImmediate(() => resolve(calls.length)));
    await runner.idle();
    await runner.close();
    expect(await served).toBeLessThan(1200);
    await log.close();
  });

  it("tell onError when their record cannot be written, naming the last of their events", async () => {
    const store = createMemoryEventStore();
    const log = await openEventLog({ store, events: [NoteAdded, NoteCounted] });
    const { automation } = ignoring();
    const told: { error: unknown; automation: string; event: StoredEvent }[] = [];
    const runner = await startAutomations({
      log,
      automations: [automation],
      services: {},
      onError: (error, name, event) => void told.push({ error, automation: name, event }),
    });
    const [, last] = await log.append(
      [0, 1].map((n) => ({ type: NoteAdded.type, subject: `note-${n}`, data: { n } })),
    );
    await runner.idle();
    await store.close();
    await runner.close();
    expect(told).toHaveLength(1);
    expect(told[0]?.error).toBeInstanceOf(ClosedError);
    expect(told[0]?.automation).toBe("ignore-notes");
    expect(told[0]?.event.id).toBe(last?.id);
  });
});
