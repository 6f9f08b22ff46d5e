import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresEventStore } from "@software-factory/core/postgres";
import { openSqliteEventStore } from "@software-factory/core/sqlite";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../../core/test/fixtures/postgresTestServer.js";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

const SLOW = { timeout: 240_000 };
const PASSWORD = "unf-s3cret-3310";
const schemas = new TestSchemas();
let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-migrate-unfinished-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

/** The test server's URL with a schema of its own and a password (trust auth ignores it). */
function storeUrl(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.password = PASSWORD;
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** Leaves in `url` what an interrupted `factory migrate` of this factory left: its first `count` events, as copied. */
async function beginCopy(url: string, count: number): Promise<void> {
  const source = openSqliteEventStore({ path: join(cwd, ".factory", "factory.db") });
  const target = await openPostgresEventStore({ url, copyTarget: true });
  try {
    const page = await source.read({ after: 0, limit: count });
    await target.append(
      page.map(({ seq: _seq, ...event }) => event),
      { expectedHead: 0 },
    );
  } finally {
    await target.close();
    await source.close();
  }
}

describe.skipIf(skipPostgres)("factory migrate into PostgreSQL, interrupted", () => {
  it(
    "leaves a target no other command opens or writes until the same migrate finishes it",
    SLOW,
    async () => {
      expect((await factory("init", "--plan", "factory.yaml")).code).toBe(0);
      const schema = schemas.next("cli_unfinished");
      const url = storeUrl(schema);
      await beginCopy(url, 10);

      const list = await runFactory(["--store", url, "work", "list"], { cwd });
      const capture = await runFactory(
        ["--store", url, "knowledge", "capture", "--kind", "note", "--title", "half", "--body", "x"],
        { cwd },
      );
      for (const refused of [list, capture]) {
        expect(refused.code, refused.stderr).toBe(1);
        expect(refused.stderr).toContain(
          `PostgreSQL schema "${schema}" at 127.0.0.1:5432/test holds an unfinished copy`,
        );
        expect(refused.stderr).toContain(
          "Run the same factory migrate --to command again to finish the copy",
        );
        expect(`${refused.stdout}${refused.stderr}`).not.toContain(PASSWORD);
      }

      const finish = await factory("migrate", "--to", url, "--json");
      expect(finish.code, finish.stderr).toBe(0);
      const report = JSON.parse(finish.stdout) as { events: number; copied: number };
      expect(report.copied).toBe(report.events - 10);
      const after = await runFactory(["--store", url, "work", "list", "--json"], { cwd });
      expect(after.code, after.stderr).toBe(0);
    },
  );
});
