/**
 * Two first imports started at once into the same new factory (two CI jobs,
 * two terminals): each stages its own factory, and both reach the store
 * before either has copied its log there. The first copy makes the factory;
 * the second finds it made and imports into it as a later import would, so
 * nothing either imported is lost.
 *
 * The two copies are made to meet for certain by holding the PostgreSQL
 * store's append lock until both wait on it: both have by then found the
 * store empty. (A folder that exists without a factory races the same way in
 * its SQLite file, only not on cue.)
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
  withAdmin,
} from "../../core/test/fixtures/postgresTestServer.js";
import { runFactory, runFactoryProcess } from "./runFactory.js";

/** Two subprocesses and a search, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
/** The advisory lock class every append to a PostgreSQL store takes (core's `APPEND_LOCK_CLASS`, "FAA1"). */
const APPEND_LOCK_CLASS = 0x46414131;

/** The key of a schema's append lock, as the PostgreSQL store computes it. */
function appendLockKey(schema: string): number {
  return createHash("sha256").update(schema).digest().readInt32BE(0);
}

/** The folder both imports run in (in no git repository). */
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-first-import-race-"));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe.skipIf(skipPostgres)("two first imports at once into a new PostgreSQL schema", () => {
  const schemas = new TestSchemas();

  afterAll(async () => {
    await schemas.dropAll();
  });

  it(
    "the one that finds the factory made imports into it: both exit 0 and both imports are there",
    SLOW,
    async () => {
      const schema = schemas.next("first_import_race");
      const url = new URL(POSTGRES_TEST_URL);
      url.searchParams.set("schema", schema);
      // The first run may wait at the lock while the second starts, on a loaded machine for long.
      url.searchParams.set("query_timeout_ms", "120000");
      for (const [folder, title] of [
        ["billing", "Refunds lose shipping"],
        ["shipping", "Parcels wait a day"],
      ] as const) {
        mkdirSync(join(cwd, folder));
        writeFileSync(join(cwd, folder, "note.md"), `# ${title}\n\nWritten by the ${folder} team.\n`);
      }
      const key = appendLockKey(schema);
      const runs = await withAdmin(async (admin) => {
        await admin.query("SELECT pg_advisory_lock($1, $2)", [APPEND_LOCK_CLASS, key]);
        const started = ["billing", "shipping"].map((folder) =>
          runFactoryProcess(
            ["--store", url.toString(), "--dir", ".factory", "import", "docs", folder, "--json"],
            { cwd },
          ),
        );
        let ended = false;
        const oneEnded = Promise.race(started).then(() => (ended = true));
        // Until both runs have found the store empty and wait to copy their logs into it (or one ended, failing).
        for (;;) {
          const { rows } = await admin.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_locks
              WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = $1 AND objid::bigint = $2`,
            [APPEND_LOCK_CLASS, key >>> 0],
          );
          if (rows[0]?.waiting === 2 || ended) break;
          await Promise.race([oneEnded, new Promise((resolve) => setTimeout(resolve, 20))]);
        }
        await admin.query("SELECT pg_advisory_unlock($1, $2)", [APPEND_LOCK_CLASS, key]);
        return Promise.all(started);
      });

      for (const run of runs) {
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
        expect(JSON.parse(run.stdout)).toMatchObject({ captured: 1 });
      }
      const listed = await runFactory(["--store", url.toString(), "knowledge", "list", "--json"], { cwd });
      expect(listed.stderr).toBe("");
      expect(listed.stdout).toContain("Refunds lose shipping");
      expect(listed.stdout).toContain("Parcels wait a day");
      expect(readdirSync(cwd).sort()).toEqual([".factory", "billing", "shipping"]);
    },
  );
});
