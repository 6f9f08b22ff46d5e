/**
 * A SQLite store whose file is removed or replaced while it is open (its
 * folder deleted, perhaps made again by `factory init`; a backup moved into
 * place) refuses to read and write: it held the old file open, so what it
 * wrote no other process saw, and every write it acknowledged was lost.
 */
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog, StoreError } from "@software-factory/core";
import { afterEach, describe, expect, it } from "vitest";
import { NoteAdded } from "./contract/eventStoreContract.js";

const dirs: string[] = [];
const logs: EventLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A log in a new `.factory` folder of a temp folder, with one note. */
async function openedLog(): Promise<{ folder: string; path: string; log: EventLog }> {
  const root = mkdtempSync(join(tmpdir(), "core-moved-file-"));
  dirs.push(root);
  const folder = join(root, ".factory");
  const path = join(folder, "factory.db");
  const log = await open(path);
  await note(log, "before");
  return { folder, path, log };
}

async function open(path: string): Promise<EventLog> {
  const log = await openEventLog({ path, events: [NoteAdded] });
  logs.push(log);
  return log;
}

const note = (log: EventLog, text: string) =>
  log.append({ type: "note.added", subject: `note-${text}`, data: { text } });

describe("a SQLite store whose file is gone from its path", () => {
  it("refuses writes and reads once its folder is deleted, naming the path", async () => {
    const { folder, path, log } = await openedLog();
    rmSync(folder, { recursive: true, force: true });

    const refused = await note(log, "after").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).message).toContain(
      `the event store at ${path} was removed after this process opened it`,
    );
    await expect(log.read()).rejects.toThrow(/was removed after this process opened it/);
  });

  it("refuses writes once another file is at its path, and the file there keeps only its own events", async () => {
    const { folder, path, log } = await openedLog();
    rmSync(folder, { recursive: true, force: true });
    const again = await open(path);
    await note(again, "new");

    await expect(note(log, "lost")).rejects.toThrow(
      /was replaced by another file after this process opened it/,
    );
    expect((await again.read()).map((event) => event.subject)).toEqual(["note-new"]);
  });

  it("refuses writes once a copy is moved over its file", async () => {
    const { folder, path, log } = await openedLog();
    const backup = join(folder, "backup.db");
    const copy = await open(backup);
    await note(copy, "restored");
    await copy.close();
    renameSync(backup, path);

    await expect(note(log, "after")).rejects.toThrow(/was replaced by another file/);
  });
});
