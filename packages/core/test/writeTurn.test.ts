import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type EventLog, type EventStore, retryOnConflict, type StoredEvent } from "@software-factory/core";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { logOver } from "./contract/eventStoreContract.js";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "./fixtures/postgresTestServer.js";
import { startFixture } from "./fixtures/runChild.js";
import { signal } from "./fixtures/signal.js";

const fixtures = join(import.meta.dirname, "fixtures");
const schemas = new TestSchemas();
const opened: EventLog[] = [];
const dirs: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const log of opened.splice(0)) await log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

/** A store to open the logs of one test on, and how a child process appending to it for ever is started. */
interface Target {
  open(): Promise<EventStore>;
  /** Starts a process appending one event at a time until killed; resolves once it has appended. */
  stream(tag: string): Promise<void>;
}

function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), "factory-turn-"));
  dirs.push(dir);
  const path = join(dir, "factory.db");
  return {
    open: async () => openSqliteEventStore({ path }),
    stream: (tag) => stream(join(fixtures, "appender.ts"), [path, tag, "forever", "1"]),
  };
}

function postgresTarget(): Target {
  const schema = schemas.next("turn");
  return {
    open: () => openPostgresEventStore({ url: POSTGRES_TEST_URL, schema }),
    stream: (tag) =>
      stream(join(fixtures, "postgresAppender.ts"), [POSTGRES_TEST_URL, schema, tag, "forever", "1"]),
  };
}

async function stream(file: string, args: readonly string[]): Promise<void> {
  const { child, exited } = await startFixture(file, args, "appending", { timeoutMs: 120_000 });
  cleanups.push(async () => {
    child.kill();
    const exit = await exited;
    // Killed while appending, never failed before.
    expect(exit.stderr).toBe("");
  });
}

async function openLog(target: Target): Promise<EventLog> {
  const log = logOver(await target.open());
  opened.push(log);
  return log;
}

const note = (text: string) => ({ type: "note.added", subject: "plan", data: { text } });

/**
 * A slow write: reads the head, takes `decideMs` to decide (after telling
 * `deciding`), and appends with the head it read expected, through
 * retryOnConflict with `attempts`. Resolves with what it stored and the head
 * each attempt read.
 */
async function slowWrite(
  log: EventLog,
  options: { readonly attempts: number; readonly decideMs: number; readonly deciding?: () => void },
): Promise<{ stored: StoredEvent[]; heads: number[] }> {
  const heads: number[] = [];
  const stored = await retryOnConflict(
    async () => {
      const head = await log.head();
      heads.push(head);
      options.deciding?.();
      await sleep(options.decideMs);
      return log.append(note(`decided at ${head}`), { expectedHead: head });
    },
    { attempts: options.attempts, maxBackoffMs: 5 },
  );
  return { stored, heads };
}

const stores: [string, boolean, () => Target][] = [
  ["SQLite", false, sqliteTarget],
  ["PostgreSQL", skipPostgres, postgresTarget],
];

describe.each(stores)("a slow write beside other writers on %s", (_name, skip, target) => {
  it.skipIf(skip)(
    "lands on its last attempt while two processes keep appending, which then go on",
    async () => {
      const on = target();
      const log = await openLog(on);
      await log.head(); // creates the store before the children race to
      await Promise.all([on.stream("agent-1"), on.stream("agent-2")]);

      const { stored, heads } = await slowWrite(log, { attempts: 3, decideMs: 150 });

      // Each attempt saw the stream move on; the last one appended right after the head it read.
      expect(heads).toHaveLength(3);
      expect(heads[0]).toBeLessThan(heads[2] ?? 0);
      expect(stored.map((event) => event.seq)).toEqual([(heads[2] ?? 0) + 1]);
      const after = stored[0]?.seq ?? 0;
      for (let head = await log.head(); head <= after + 10; head = await log.head()) await sleep(10);
    },
    180_000,
  );

  it.skipIf(skip)(
    "makes another write of its own process wait for its last attempt instead of losing to it",
    async () => {
      const log = await openLog(target());
      let deciding = signal();
      // Another write of the process, outside the slow one: it appends while each attempt decides.
      const others = (async () => {
        const stored: StoredEvent[] = [];
        for (const other of [1, 2]) {
          await deciding.promise;
          deciding = signal();
          stored.push(...(await log.append(note(`other ${other}`))));
        }
        return stored;
      })();
      const { stored, heads } = await slowWrite(log, {
        attempts: 2,
        decideMs: 50,
        deciding: () => deciding.resolve(),
      });

      expect(heads).toEqual([0, 1]);
      expect(stored.map((event) => event.seq)).toEqual([2]);
      expect((await others).map((event) => event.seq)).toEqual([1, 3]);
    },
  );
});
