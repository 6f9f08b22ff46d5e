/**
 * `factory migrate` stopped by Ctrl-C (or SIGTERM) leaves nothing half-done: a SQLite
 * target is written whole or not at all, and a PostgreSQL copy stopped
 * part-way is finished by the same command. The built bin as a subprocess;
 * the test holds the target's write lock while it sends SIGINT, so the signal
 * arrives while the copy is under way.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventStore, StoredEvent } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
  withAdmin,
} from "../../core/test/fixtures/postgresTestServer.js";
import { BIN, type RunResult, runFactoryProcess } from "./runFactory.js";

/** Events in the source log: 100 pages of the copy, so the signal comes with pages left. */
const EVENTS = 50_000;
const SLOW = { timeout: 240_000 };
const schemas = new TestSchemas();
let cwd: string;

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-migrate-interrupted-"));
  const source = openSqliteEventStore({ path: join(cwd, ".factory", "factory.db"), durability: "normal" });
  try {
    const at = new Date().toISOString();
    for (let start = 0; start < EVENTS; start += 10_000)
      await source.append(
        Array.from({ length: 10_000 }, (_, index) => ({
          id: `evt_${String(start + index).padStart(12, "0")}`,
          type: "note.added",
          v: 1,
          at,
          actor: "tester",
          subject: `note_${index % 50}`,
          data: { text: `note ${start + index}` },
        })),
        {},
      );
  } finally {
    await source.close();
  }
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

/** Starts `factory --dir .factory migrate <args>` in {@link cwd}. */
function startMigrate(args: readonly string[]): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [BIN, "--dir", ".factory", "migrate", ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "", FACTORY_DIR: "", FACTORY_DATABASE_URL: "", FACTORY_ACTOR: "tester" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const done = new Promise<RunResult>((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
  return { child, done };
}

/** Waits until `found` gives a value, polling. */
async function waitFor<T>(found: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let waited = 0; waited < 120_000; waited += 10) {
    const value = await found();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("waited two minutes in vain");
}

/** Every event of a store, in order. */
async function eventsOf(store: EventStore): Promise<StoredEvent[]> {
  try {
    return await store.read({ limit: EVENTS + 1 });
  } finally {
    await store.close();
  }
}

const factory = (args: readonly string[]) => runFactoryProcess(["--dir", ".factory", ...args], { cwd });

describe("factory migrate, interrupted", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "into a SQLite file, on %s: writes nothing there (its hidden file removed), says how far the copy got, exits %i; the same command then copies it whole",
    SLOW,
    async (signal, exitCode) => {
      const { child, done } = startMigrate(["--to", "part.db"]);
      const temporary = await waitFor(() =>
        readdirSync(cwd).find((name) => /^\.part\.db\.migrating-\d+-[0-9a-f]{8}$/.test(name)),
      );
      // The copy's next page waits on this lock; the signal comes meanwhile.
      const lock = new Database(join(cwd, temporary), { timeout: 60_000 });
      try {
        lock.exec("BEGIN IMMEDIATE");
        child.kill(signal);
        lock.exec("COMMIT");
      } finally {
        lock.close();
      }
      const run = await done;

      expect(run.code, run.stderr).toBe(exitCode);
      const told = new RegExp(
        `^error: E_INTERRUPTED: interrupted \\(${signal}\\): the copy was cancelled at ([\\d,]+) of 50,000 events; nothing was written to (.+)\n$`,
      ).exec(run.stderr);
      expect(told, run.stderr).not.toBeNull();
      expect(Number(told?.[1]?.replaceAll(",", ""))).toBeLessThan(EVENTS);
      expect(told?.[2]).toBe(join(cwd, "part.db"));
      expect(readdirSync(cwd)).toEqual([".factory"]);

      const again = await factory(["migrate", "--to", "part.db", "--json"]);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ events: EVENTS, copied: EVENTS });
      expect(readdirSync(cwd).sort()).toEqual([".factory", "part.db"]);
      const copy = await eventsOf(openSqliteEventStore({ path: join(cwd, "part.db") }));
      expect(copy).toEqual(
        await eventsOf(openSqliteEventStore({ path: join(cwd, ".factory", "factory.db") })),
      );
    },
  );

  it.skipIf(skipPostgres)(
    "into PostgreSQL: keeps the pages copied, says how far it got and to run it again; the same command finishes it",
    SLOW,
    async () => {
      const schema = schemas.next("migrate_interrupted");
      const url = new URL(POSTGRES_TEST_URL);
      url.password = "mig-s3cret";
      url.searchParams.set("schema", schema);
      const { child, done } = startMigrate(["--to", url.toString()]);
      const countRows = async () => {
        const { rows } = await withAdmin((admin) =>
          admin.query("SELECT to_regclass($1) AS events", [`"${schema}".events`]),
        );
        if (rows[0]?.events === null) return undefined;
        const counted = await withAdmin((admin) =>
          admin.query(`SELECT count(*)::int AS n FROM "${schema}".events`),
        );
        return (counted.rows[0]?.n as number) > 0 ? true : undefined;
      };
      await waitFor(countRows);
      // The copy's next page waits on this lock; the signal comes meanwhile.
      await withAdmin(async (admin) => {
        await admin.query("BEGIN");
        await admin.query(`LOCK TABLE "${schema}".events IN EXCLUSIVE MODE`);
        child.kill("SIGINT");
        await admin.query("COMMIT");
      });
      const run = await done;

      expect(run.code, run.stderr).toBe(130);
      const told =
        /^error: E_INTERRUPTED: interrupted \(SIGINT\): copied ([\d,]+) of 50,000 events into (postgres:\S+); run the same command again to finish\n$/.exec(
          run.stderr,
        );
      expect(told, run.stderr).not.toBeNull();
      const copied = Number(told?.[1]?.replaceAll(",", ""));
      expect(copied).toBeLessThan(EVENTS);
      expect(told?.[2]).toContain(":***@");
      const held = await withAdmin((admin) =>
        admin.query(`SELECT count(*)::int AS n FROM "${schema}".events`),
      );
      expect(held.rows[0]?.n).toBe(copied);

      const again = await factory(["migrate", "--to", url.toString()]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(
        `held the first ${copied} of ${EVENTS} events (same ids and hashes); copied the other ${EVENTS - copied} from`,
      );
      const target = await openPostgresEventStore({ url: POSTGRES_TEST_URL, schema });
      expect(await eventsOf(target)).toEqual(
        await eventsOf(openSqliteEventStore({ path: join(cwd, ".factory", "factory.db") })),
      );
    },
  );
});
