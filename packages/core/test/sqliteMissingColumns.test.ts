/**
 * Opening a factory database whose tables lack a column the store uses (a
 * damaged or hand-made file): refused with a StoreError naming the file, the
 * table and the columns, not SQLite's own `no such column` from a statement.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog, StoreError } from "@software-factory/core";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A factory database, then altered by `damage` with plain SQL. */
async function damagedDatabase(damage: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "core-missing-columns-"));
  dirs.push(dir);
  const path = join(dir, "factory.db");
  await (await openEventLog({ path })).close();
  const db = new Database(path);
  db.exec(damage);
  db.close();
  return path;
}

/** What `open` threw, or undefined when it did not. */
function thrownBy(open: () => unknown): unknown {
  try {
    open();
  } catch (error) {
    return error;
  }
  return undefined;
}

const DAMAGED =
  "which a factory database at schema version 1 has: it was damaged or made by hand; restore it from a copy, or give the path of a new file";

describe("opening a SQLite factory database that lacks a column", () => {
  it("refuses it, read-write and read-only, naming the file, the table and the missing columns", async () => {
    const path = await damagedDatabase(
      "ALTER TABLE events DROP COLUMN caused_by; ALTER TABLE events DROP COLUMN actor",
    );

    const writable = thrownBy(() => openSqliteEventStore({ path }));
    expect(writable).toBeInstanceOf(StoreError);
    expect((writable as StoreError).message).toBe(
      `cannot open the event store at ${path}: its events table lacks the columns actor, caused_by, ${DAMAGED}`,
    );
    const readOnly = thrownBy(() => openSqliteEventStore({ path, readOnly: true }));
    expect(readOnly).toBeInstanceOf(StoreError);
    expect((readOnly as StoreError).message).toBe(
      `cannot open the event store at ${path} read-only: its events table lacks the columns actor, caused_by, ${DAMAGED}`,
    );
  });

  it("names every table at fault: a missing one, and a column of another", async () => {
    const path = await damagedDatabase(
      "DROP TABLE idempotency; ALTER TABLE events RENAME COLUMN data TO payload",
    );
    await expect(openEventLog({ path })).rejects.toThrow(
      `cannot open the event store at ${path}: its events table lacks the column data; it has no idempotency table, ${DAMAGED}`,
    );
  });
});
