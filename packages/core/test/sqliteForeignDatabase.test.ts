import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openEventLog, StoreError } from "@software-factory/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "core-foreign-db-"));
  dirs.push(dir);
  return join(dir, "app.db");
}

describe("opening a SQLite file that is not a factory's", () => {
  it("refuses a database of another application, naming its tables, and leaves it as it was", async () => {
    const path = dbPath();
    const app = new Database(path);
    app.exec(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ann')",
    );
    app.close();

    const error = await openEventLog({ path }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      `cannot open the event store at ${path}: it is a SQLite database but not a factory's: it holds tables (users) and no schema_version; give the path of a factory database or of a new file`,
    );
    const after = new Database(path, { readonly: true });
    const tables = after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    after.close();
    expect(tables).toEqual(["users"]);
  });

  it("still opens an empty SQLite file and a factory database", async () => {
    const path = dbPath();
    new Database(path).close();
    const log = await openEventLog({ path });
    expect(await log.head()).toBe(0);
    await log.close();
    const again = await openEventLog({ path });
    expect(await again.head()).toBe(0);
    await again.close();
  });
});
