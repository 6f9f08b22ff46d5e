/**
 * A read with a position that is no whole number (what a store is asked by a
 * caller that passes one straight through, as `eventIdAt(1.5)` did before the
 * log checked its argument) is answered by the PostgreSQL store as by the
 * SQLite one, not failed with a bigint syntax error.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineEvent, type EventStore, openEventLog } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../fixtures/postgresTestServer.js";

const Noted = defineEvent("note.taken", z.object({ n: z.number() }));
const POSITIONS = [
  0.5,
  1.5,
  2.999,
  -0.5,
  -5,
  2 ** 53 + 2,
  2 ** 63,
  2 ** 70,
  -(2 ** 70),
  Infinity,
  -Infinity,
  NaN,
];
const dirs: string[] = [];
const schemas = new TestSchemas();
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => schemas.dropAll());

/** Three events, then what the store's reads answer at each position: the one event there, those after it, those until it. */
async function answers(store: EventStore): Promise<string[]> {
  const log = await openEventLog({ store, events: [Noted] });
  try {
    const events = await log.append(
      [1, 2, 3].map((n) => ({ type: Noted.type, subject: `n${n}`, data: { n } })),
    );
    const name = (id: string | undefined) =>
      id === undefined ? "none" : `seq ${events.findIndex((e) => e.id === id) + 1}`;
    const seqs = async (query: Parameters<EventStore["read"]>[0]) =>
      (await store.read(query)).map((event) => event.seq).join(",") || "none";
    const idAt = async (position: number) => {
      const [event] = await store.read({ after: position - 1, until: position, limit: 1 });
      return event?.seq === position ? event.id : undefined;
    };
    const lines: string[] = [];
    for (const position of POSITIONS) {
      lines.push(
        `${position}: at ${name(await idAt(position))}; after ${await seqs({ after: position })}; until ${await seqs({ after: 0, until: position })}`,
      );
    }
    return lines;
  } finally {
    await log.close();
  }
}

describe.skipIf(skipPostgres)("read positions on PostgreSQL", () => {
  it("answers a position that is no whole number as the SQLite store does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "core-read-positions-"));
    dirs.push(dir);
    const onSqlite = await answers(openSqliteEventStore({ path: join(dir, "factory.db") }));
    const onPostgres = await answers(
      await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema: schemas.next("positions") }),
    );
    expect(onSqlite).toContain("1.5: at none; after 2,3; until 1");
    expect(onSqlite).toContain("NaN: at none; after none; until none");
    expect(onPostgres).toEqual(onSqlite);
  });
});
