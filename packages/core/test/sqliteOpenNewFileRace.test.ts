/**
 * Opening a store on a file another process is locking while it is still in
 * rollback mode (a new or `touch`ed file, several processes creating one
 * factory at once): the open waits for the lock, as any write does, rather
 * than fail with "database is locked".
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PreparedEvent } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";

/** better-sqlite3 as the core package resolves it, for the process that holds the lock. */
const BETTER_SQLITE3 = createRequire(import.meta.resolve("@software-factory/core/sqlite")).resolve(
  "better-sqlite3",
);

let dir: string;

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts a process that takes the write lock of the empty file at `path`
 * (`BEGIN IMMEDIATE`, so the file stays in rollback mode), says so, and lets
 * go `holdMs` later; resolves once it holds the lock, with its exit.
 */
async function holdWriteLock(path: string, holdMs: number): Promise<{ exited: Promise<number | null> }> {
  const script = `
    const Database = require(${JSON.stringify(BETTER_SQLITE3)});
    const db = new Database(${JSON.stringify(path)});
    db.exec("BEGIN IMMEDIATE");
    process.stdout.write("held\\n");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${holdMs});
  `;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<number | null>((done) => child.on("exit", done));
  await new Promise<void>((held, failed) => {
    child.stdout.once("data", () => held());
    child.once("exit", (code) => failed(new Error(`the lock holder exited with ${code} before holding`)));
  });
  return { exited };
}

describe("openSqliteEventStore on a new file another process has locked", () => {
  it("waits for the lock and opens, the file in WAL mode", async () => {
    dir = mkdtempSync(join(tmpdir(), "factory-open-race-"));
    const path = join(dir, "factory.db");
    writeFileSync(path, "");
    const holder = await holdWriteLock(path, 500);
    const store = openSqliteEventStore({ path, busyTimeoutMs: 10_000 });
    try {
      expect(await store.head()).toBe(0);
      const event: PreparedEvent = {
        id: "e1",
        type: "note.added",
        v: 1,
        at: new Date(0).toISOString(),
        actor: "tester",
        subject: "plan",
        data: {},
      };
      await store.append([event], {});
      expect(await store.head()).toBe(1);
    } finally {
      await store.close();
    }
    expect(await holder.exited).toBe(0);
    // The file format's read and write versions, bytes 18 and 19 of the header: 2 in WAL mode.
    expect([...readFileSync(path).subarray(18, 20)]).toEqual([2, 2]);
  });

  it("still fails, naming the lock, when the other process holds it past the busy timeout", async () => {
    dir = mkdtempSync(join(tmpdir(), "factory-open-race-"));
    const path = join(dir, "factory.db");
    writeFileSync(path, "");
    const holder = await holdWriteLock(path, 1_000);
    expect(() => openSqliteEventStore({ path, busyTimeoutMs: 100 })).toThrow(
      /cannot open the event store at .*factory\.db: database is locked/,
    );
    await holder.exited;
  });
});
