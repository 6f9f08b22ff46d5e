import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EventLog, openEventLog, ReadOnlyError, StoreError } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { NoteAdded } from "./contract/eventStoreContract.js";
import { folderDigest, makeReadOnly, makeWritable, runUnprivileged } from "./fixtures/runUnprivileged.js";

const child = join(import.meta.dirname, "fixtures", "readOnlyStoreChild.ts");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    makeWritable(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A folder holding a factory database with two notes, closed (so it has no -wal or -shm). */
async function writtenFolder(): Promise<{ folder: string; path: string }> {
  const root = mkdtempSync(join(tmpdir(), "core-read-only-"));
  dirs.push(root);
  const folder = join(root, ".factory");
  const path = join(folder, "factory.db");
  const log = await openEventLog({ path, events: [NoteAdded] });
  await addNotes(log, 1, 2);
  await log.close();
  return { folder, path };
}

async function addNotes(log: EventLog, ...numbers: number[]): Promise<void> {
  for (const number of numbers)
    await log.append({ type: "note.added", subject: `note-${number}`, data: { text: String(number) } });
}

const anEvent = {
  id: "evt_refused",
  type: "note.added",
  v: 1,
  at: "2026-03-01T00:00:00.000Z",
  actor: "test",
  subject: "note-9",
  data: { text: "nine" },
};

describe("a SQLite store opened read-only", () => {
  it("reads every event, refuses an append with a ReadOnlyError, and leaves the folder byte for byte as it was", async () => {
    const { folder, path } = await writtenFolder();
    const before = folderDigest(folder);

    const store = openSqliteEventStore({ path, readOnly: true });
    expect(store.readOnly).toBe(true);
    expect((await store.read({})).map((event) => event.subject)).toEqual(["note-1", "note-2"]);
    const refused = await store.append([anEvent], {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReadOnlyError);
    expect(refused).toMatchObject({
      code: "E_READ_ONLY",
      path,
      message: `cannot write to the event store at ${path}: it was opened read-only (readOnly: true); it can be read, and nothing was written`,
    });
    expect(await store.head()).toBe(2);
    await store.close();

    expect(readdirSync(folder).sort()).toEqual(["factory.db"]);
    expect(folderDigest(folder)).toEqual(before);
  });

  it("reads a file a writer has open through its -wal, seeing what the writer commits after", async () => {
    const { path } = await writtenFolder();
    const writer = await openEventLog({ path, events: [NoteAdded] });
    await addNotes(writer, 3);
    const reader = openSqliteEventStore({ path, readOnly: true });
    expect(await reader.head()).toBe(3);
    await addNotes(writer, 4);
    expect((await reader.read({ after: 3 })).map((event) => event.subject)).toEqual(["note-4"]);
    expect(await reader.append([anEvent], {}).catch((error: unknown) => error)).toBeInstanceOf(ReadOnlyError);
    await reader.close();
    await writer.close();
  });

  it("refuses a -wal holding commits without its -shm, naming both, instead of reading the file without them", async () => {
    const { path } = await writtenFolder();
    const writer = await openEventLog({ path, events: [NoteAdded] });
    await addNotes(writer, 3);
    const copy = join(mkdtempSync(join(tmpdir(), "core-read-only-copy-")), "factory.db");
    dirs.push(join(copy, ".."));
    copyFileSync(path, copy);
    copyFileSync(`${path}-wal`, `${copy}-wal`);
    await writer.close();

    const error = (() => {
      try {
        openSqliteEventStore({ path: copy, readOnly: true });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      `cannot open the event store at ${copy} read-only: ${copy}-wal holds commits not yet in the file, and without ${copy}-shm beside it they cannot be read from a folder this process may not write; copy the whole folder somewhere writable and open it there`,
    );
    expect(existsSync(`${copy}-shm`)).toBe(false);
  });
});

describe("a SQLite store in a folder this process may not write", () => {
  it("opens read-only by itself: it reads every event, an append is a ReadOnlyError naming the folder, nothing changes", async () => {
    const { folder, path } = await writtenFolder();
    makeReadOnly(folder);
    const before = folderDigest(folder);

    const run = await runUnprivileged(child, [path]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      readOnly: true,
      subjects: ["note-1", "note-2"],
      head: 2,
      refused: {
        tag: "ReadOnlyError",
        code: "E_READ_ONLY",
        path: folder,
        message: `cannot write to the event store at ${path}: the folder ${folder} is read-only for this process (permission denied); it can be read, and nothing was written`,
      },
    });
    expect(folderDigest(folder)).toEqual(before);
    expect(readdirSync(folder)).toEqual(["factory.db"]);
  });

  it("refuses to create a store there with a ReadOnlyError naming the folder", async () => {
    const root = mkdtempSync(join(tmpdir(), "core-read-only-empty-"));
    dirs.push(root);
    const folder = join(root, ".factory");
    mkdirSync(folder);
    makeReadOnly(folder);
    const path = join(folder, "factory.db");

    const run = await runUnprivileged(child, [path]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      opened: {
        tag: "ReadOnlyError",
        code: "E_READ_ONLY",
        path: folder,
        message: `cannot create the event store at ${path}: the folder ${folder} is read-only for this process (permission denied); nothing was written`,
      },
    });
    expect(readdirSync(folder)).toEqual([]);
  });
});
