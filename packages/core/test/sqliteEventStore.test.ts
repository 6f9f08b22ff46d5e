import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog, SchemaVersionError, StoreError } from "@software-factory/core";
import { openSqliteEventStore, SQLITE_SCHEMA_VERSION } from "@software-factory/core/sqlite";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { NoteAdded, NoteRemoved } from "./contract/eventStoreContract.js";
import { spawnFixture, startFixture, waitForExit, waitForOutput } from "./fixtures/runChild.js";

const appender = join(import.meta.dirname, "fixtures", "appender.ts");
const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "factory-sqlite-"));
  dirs.push(dir);
  return join(dir, "factory.db");
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function readAll(path: string) {
  const log = await openEventLog({ path, events: [NoteAdded, NoteRemoved] });
  const events = [];
  for await (const event of log.readAll()) events.push(event);
  await log.close();
  return events;
}

describe("SQLite event store", () => {
  it("keeps all 4,000 events of two processes appending at once, contiguous and without duplicates", async () => {
    const path = tempDb();
    const startFile = `${path}.start`;
    const children = await Promise.all(
      ["a", "b"].map((writer) => startFixture(appender, [path, writer, "2000", "1", startFile], "ready")),
    );
    // Both writers have the log open before either appends, so their appends contend.
    writeFileSync(startFile, "");
    const exits = await Promise.all(children.map((child) => child.exited));
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });

    const events = await readAll(path);
    expect(events).toHaveLength(4000);
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 4000 }, (_, index) => index + 1));
    const texts = new Set(events.map((event) => (event.data as { text: string }).text));
    expect(texts.size).toBe(4000);
    for (const writer of ["a", "b"]) {
      expect(events.filter((event) => event.actor === writer)).toHaveLength(2000);
    }
  });

  it("leaves every batch wholly present or wholly absent when a writer is killed with SIGKILL", async () => {
    const path = tempDb();
    const child = spawnFixture(appender, [path, "killed", "forever", "50"]);
    const exited = waitForExit(child);
    await waitForOutput(child, "appending");
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");

    const db = new Database(path, { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
    const events = await readAll(path);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length % 50).toBe(0);
    const batches = new Map<string, number>();
    for (const event of events) batches.set(event.subject, (batches.get(event.subject) ?? 0) + 1);
    for (const [batch, count] of batches) expect(count, batch).toBe(50);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
  });

  it("delivers events appended by another process to a subscriber", async () => {
    const path = tempDb();
    const subscriber = spawnFixture(appender, [path, "watcher", "subscribe", "30"]);
    const subscriberExit = waitForExit(subscriber);
    await waitForOutput(subscriber, "subscribed");
    const writer = await waitForExit(spawnFixture(appender, [path, "w", "30", "7"]));
    expect(writer.code, writer.stderr).toBe(0);
    const result = await subscriberExit;
    expect(result.code, result.stderr).toBe(0);
    const seen = result.stdout.split("\n").filter((line) => line.startsWith("seen "));
    expect(seen.map((line) => Number(line.split(" ")[1]))).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
  });

  it("keeps events across reopening the file", async () => {
    const path = tempDb();
    const first = await openEventLog({ path, events: [NoteAdded] });
    await first.append({ type: "note.added", subject: "s", data: { text: "kept" } });
    await first.close();
    const events = await readAll(path);
    expect(events.map((event) => (event.data as { text: string }).text)).toEqual(["kept"]);
  });

  it("refuses a file whose schema is newer than this code", async () => {
    const path = tempDb();
    openSqliteEventStore({ path }).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)").run(
      SQLITE_SCHEMA_VERSION + 1,
      "x",
    );
    db.close();
    expect(() => openSqliteEventStore({ path })).toThrow(SchemaVersionError);
    expect(() => openSqliteEventStore({ path })).toThrow(/newer than the 1 this SDK supports/);
  });

  it("reports a file that is not a database as a store error naming the path", () => {
    const path = tempDb();
    writeFileSync(path, "this is not a database, just text that is long enough to have a header".repeat(10));
    expect(() => openSqliteEventStore({ path })).toThrow(StoreError);
    expect(() => openSqliteEventStore({ path })).toThrow(path);
  });

  it("leaves a file of a few bytes that is not a database as it was, which SQLite alone took for an empty one", () => {
    for (const text of ["x", "\n", "SQLite"]) {
      const path = tempDb();
      writeFileSync(path, text);
      expect(() => openSqliteEventStore({ path })).toThrow(
        `cannot open the event store at ${path}: file is not a database`,
      );
      expect(readFileSync(path, "utf8")).toBe(text);
    }
  });

  it("opens an empty file as a new store", async () => {
    const path = tempDb();
    writeFileSync(path, "");
    const store = openSqliteEventStore({ path });
    await store.close();
    expect(readFileSync(path).subarray(0, 15).toString("latin1")).toBe("SQLite format 3");
  });
});
