import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, openEventLog } from "@software-factory/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "./fixtures/postgresTestServer.js";

/** A note whose details the schema takes as they are, so the payload holds the caller's own objects. */
const NoteKept = defineEvent("note.kept", z.object({ details: z.record(z.string(), z.unknown()) }));

const dirs: string[] = [];
const schemas = new TestSchemas();
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => schemas.dropAll());

// The stores that write JSON; the memory store keeps the payload's objects themselves.
const stores = [
  {
    name: "sqlite",
    skip: false,
    store: () => {
      const dir = mkdtempSync(join(tmpdir(), "core-as-checked-"));
      dirs.push(dir);
      return { path: join(dir, "factory.db") };
    },
  },
  {
    name: "postgres",
    skip: skipPostgres,
    store: () => ({ store: `${POSTGRES_TEST_URL}?schema=${schemas.next("checked")}` }),
  },
];

describe.each(stores)("an append to the $name store", ({ skip, store }) => {
  it.skipIf(skip)(
    "writes the payload as it was checked, not as the caller changed it while the append ran",
    async () => {
      await using log = await openEventLog({ ...store(), events: [NoteKept] });
      const text = { body: "as checked" };
      const appending = log.append({ type: "note.kept", subject: "note_1", data: { details: { text } } });
      // The append is under way: checked and measured, not yet written.
      text.body = "changed after the check";
      await appending;
      const [event] = await log.read();
      expect(event?.data).toEqual({ details: { text: { body: "as checked" } } });
    },
  );
});
