/**
 * `idle()` waits for the automations' subscriptions, not by reading the store
 * for a pending event over and over: on PostgreSQL each such read was a round
 * trip taken from the handlers while a run caught up on a long log. What the
 * store is asked is counted by a store that records each read and passes it
 * to the real SQLite store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventStore, openEventLog, type ReadQuery } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { defineAutomation, startAutomations } from "@software-factory/intelligence";
import { afterEach, describe, expect, it } from "vitest";
import { NoteAdded } from "../fixtures/counting.js";
import { addNotes } from "./noteLogs.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A SQLite store in a new temp folder, and the reads it was asked for. */
async function readsKept(): Promise<{ store: EventStore; reads: ReadQuery[] }> {
  const root = mkdtempSync(join(tmpdir(), "factory-idle-reads-"));
  roots.push(root);
  const sqlite = await openSqliteEventStore({ path: join(root, "events.db") });
  const reads: ReadQuery[] = [];
  const store: EventStore = {
    kind: sqlite.kind,
    append: (events, options) => sqlite.append(events, options),
    read: (query) => {
      reads.push(query);
      return sqlite.read(query);
    },
    head: () => sqlite.head(),
    watch: (listener) => sqlite.watch(listener),
    close: () => sqlite.close(),
  };
  return { store, reads };
}

const seen: number[] = [];
const noteSeen = defineAutomation({
  name: "note-seen",
  description: "Keeps the position of each note it sees.",
  on: [NoteAdded.type],
  run: (event) => {
    seen.push(event.seq);
  },
});

describe("automations' idle()", () => {
  it("resolves once every event is handled without reading the store one event at a time", async () => {
    const { store, reads } = await readsKept();
    const log = await openEventLog({ store, events: [NoteAdded] });
    try {
      const notes = await addNotes(log, 30);
      seen.length = 0;
      const runner = await startAutomations({ log, automations: [noteSeen], services: {} });
      try {
        await runner.idle();
        expect(seen).toEqual(notes.map((note) => note.seq));
        expect(runner.positions()).toEqual({ "note-seen": notes.at(-1)?.seq });
        expect(reads.filter((query) => query.limit === 1)).toEqual([]);
      } finally {
        await runner.close();
      }
    } finally {
      await log.close();
    }
  });
});
