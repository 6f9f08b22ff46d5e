/**
 * PostgreSQL text holds no NUL character; a SQLite log may (written through
 * its store, not an event log). The PostgreSQL store refuses such a batch
 * naming the event and field, writing nothing, where the server's own error
 * named neither.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateLog, ValidationError } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const folders: string[] = [];

afterEach(async () => {
  await schemas.dropAll();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function note(id: string, subject: string) {
  return {
    id,
    type: "note.added",
    v: 1,
    at: "2026-01-01T00:00:00.000Z",
    actor: "ana",
    subject,
    data: { text: "a\u0000b" },
  };
}

describe.skipIf(skipPostgres)("a PostgreSQL store given text with a NUL character", () => {
  it("refuses a batch with a NUL in a text field, naming the event and field, and writes none of it", async () => {
    const store = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema: schemas.next("nul") });
    try {
      const attempt = store.append([note("evt_1", "fine"), note("evt_2", "s\u0000")], {});
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({
        issues: [{ path: "events[1].subject" }],
        message: expect.stringContaining(
          'events[1].subject: event "evt_2": subject contains a NUL character (\\u0000) at index 1, which PostgreSQL text cannot hold',
        ),
      });
      expect(await store.head()).toBe(0);
      // A NUL in the payload is JSON's escape \u0000, which the json column keeps as written.
      await store.append([note("evt_3", "fine")], {});
      expect((await store.read({}))[0]?.data).toEqual({ text: "a\u0000b" });
    } finally {
      await store.close();
    }
  });

  it("makes migrateLog from a SQLite log holding one fail naming it, copying nothing", async () => {
    const folder = mkdtempSync(join(tmpdir(), "nul-"));
    folders.push(folder);
    const source = openSqliteEventStore({ path: join(folder, "factory.db") });
    const target = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema: schemas.next("nul_copy") });
    try {
      await source.append([note("evt_1", "fine"), note("evt_2", "s\u0000")], {});
      const copy = migrateLog(source, target);
      await expect(copy).rejects.toBeInstanceOf(ValidationError);
      await expect(copy).rejects.toThrow(/events\[1\]\.subject: event "evt_2": subject contains a NUL/);
      expect(await target.head()).toBe(0);
    } finally {
      await source.close();
      await target.close();
    }
  });

  it("reads with a NUL in a type or subject filter as SQLite does: that value matches nothing", async () => {
    const folder = mkdtempSync(join(tmpdir(), "nul-"));
    folders.push(folder);
    const sqlite = openSqliteEventStore({ path: join(folder, "factory.db") });
    const postgres = await openPostgresEventStore({
      url: POSTGRES_TEST_URL,
      schema: schemas.next("nul_read"),
    });
    try {
      for (const store of [sqlite, postgres]) {
        await store.append([note("evt_1", "s"), note("evt_2", "t")], {});
        expect((await store.read({ subjects: ["s\u0000", "t"] })).map((event) => event.id)).toEqual([
          "evt_2",
        ]);
        expect(await store.read({ types: ["note.added\u0000"] })).toEqual([]);
      }
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });
});
