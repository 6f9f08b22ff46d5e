import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../../core/test/fixtures/postgresTestServer.js";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

/** Each test runs the bin several times, a few seconds each on a loaded machine. */
const SLOW = { timeout: 240_000 };
const PASSWORD = "mig-s3cret-0420";
const schemas = new TestSchemas();
let cwd: string;
const factory = (...args: string[]) => runFactory(["--dir", ".factory", ...args], { cwd });
/** Runs `factory` on the PostgreSQL store at `url`, its caches in `pg-caches`. */
const pgFactory = (url: string, ...args: string[]) =>
  runFactory(["--store", url, "--dir", "pg-caches", ...args], { cwd });

/** The test server's URL with a schema of its own and a password (trust auth ignores it). */
function storeUrl(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.password = PASSWORD;
  url.searchParams.set("schema", schema);
  return url.toString();
}

/** A factory with a floor plan, a document and a work item in `.factory`. */
async function seed(): Promise<void> {
  mkdirSync(join(cwd, "docs"));
  writeFileSync(
    join(cwd, "docs", "refunds.md"),
    "---\nkind: insight\nauthor: bo\nlines: [payments]\n---\n# Refunds lose shipping\n\nPartial refunds refund the shipping cost in full.\n",
  );
  for (const args of [
    ["init", "--plan", "factory.yaml"],
    ["import", "docs", "docs"],
    ["work", "create", "--line", "checkout", "Faster cart"],
  ]) {
    const result = await factory(...args);
    expect(result.code, result.stderr).toBe(0);
  }
}

beforeEach(async () => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-migrate-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

describe.skipIf(skipPostgres)("factory migrate between SQLite and PostgreSQL", () => {
  it(
    "moves a SQLite factory into PostgreSQL and back, with the same count and hash, and refuses a non-empty target",
    SLOW,
    async () => {
      await seed();
      const url = storeUrl(schemas.next("cli_migrate"));
      const there = await factory("migrate", "--to", url, "--json");
      expect(there.code, there.stderr).toBe(0);
      const moved = JSON.parse(there.stdout) as { from: string; to: string; events: number; hash: string };
      expect(moved.from).toBe(join(cwd, ".factory", "factory.db"));
      expect(moved.to).toContain(":***@");
      expect(moved.events).toBeGreaterThan(5);
      expect(moved.hash).toMatch(/^[0-9a-f]{64}$/);

      // The PostgreSQL factory answers from a folder without any SQLite file.
      const owners = await pgFactory(url, "who-owns", "src/payments/x.ts", "--json");
      expect(owners.code, owners.stderr).toBe(0);
      expect(JSON.parse(owners.stdout)).toEqual([
        { path: "src/payments/x.ts", line: "payments", owner: "bo" },
      ]);
      const search = await pgFactory(url, "search", "refund", "shipping", "--json");
      expect(search.code, search.stderr).toBe(0);
      expect(JSON.parse(search.stdout).hits[0].document.title).toBe("Refunds lose shipping");

      const back = await factory("migrate", "--from", url, "--to", "back.db", "--json");
      expect(back.code, back.stderr).toBe(0);
      expect(JSON.parse(back.stdout)).toEqual({
        from: moved.to,
        to: join(cwd, "back.db"),
        events: moved.events,
        copied: moved.events,
        hash: moved.hash,
      });
      const work = await factory("--store", "back.db", "work", "list", "--line", "checkout", "--json");
      expect(work.code, work.stderr).toBe(0);
      expect(JSON.parse(work.stdout).map((item: { title: string }) => item.title)).toEqual(["Faster cart"]);

      // The target now holds the whole log: a second run checks it and copies nothing.
      const again = await factory("migrate", "--to", url);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(
        `already held all ${moved.events} events of ${moved.from} (same ids and hashes): nothing to copy`,
      );
      // A log of its own in PostgreSQL is no copy of this one: refused, and left as it was.
      const other = storeUrl(schemas.next("cli_migrate_other"));
      const init = await runFactory(["--store", other, "--dir", "other", "init", "--plan", "factory.yaml"], {
        cwd,
      });
      expect(init.code, init.stderr).toBe(0);
      const refused = await factory("migrate", "--to", other);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^error: E_STORE: the postgres target postgres:\S+:\*\*\*@\S+ already holds [\d,]+ events that are not a copy of the sqlite source \S+factory\.db \(/,
      );
      const text = await factory("migrate", "--from", url, "--to", "third.db");
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(`source  ${moved.events} events  sha256 ${moved.hash}`);
      expect(text.stdout).toContain(`target  ${moved.events} events  sha256 ${moved.hash}`);
      // A mistyped source schema is no factory: refused by name, nothing copied, no schema created.
      const typo = storeUrl(schemas.next("cli_migrate_typo"));
      const missing = await factory("migrate", "--from", typo, "--to", "fourth.db");
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /E_NOT_FOUND: --from: no factory log at postgres:\/\/.*:\*\*\*@.*cli_migrate_typo/,
      );
      expect(existsSync(join(cwd, "fourth.db"))).toBe(false);
      for (const result of [there, back, again, refused, text, missing]) {
        expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
      }
    },
  );
});

describe("factory migrate", () => {
  it(
    "copies into a new SQLite file, refuses a non-empty one, and names the problem in usage errors",
    SLOW,
    async () => {
      await seed();
      const copy = await factory("migrate", "--to", "copy.db", "--json");
      expect(copy.code, copy.stderr).toBe(0);
      const { events, hash } = JSON.parse(copy.stdout);
      const again = await factory("migrate", "--to", "copy.db");
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(
        `error: E_STORE: ${join(cwd, "copy.db")} already holds ${events} events; factory migrate copies into a new SQLite file only (name another file, or remove this one)\n`,
      );
      // The copy is a whole factory: migrating it on gives the same hash.
      const onward = await factory("migrate", "--from", "copy.db", "--to", "onward.db", "--json");
      expect(onward.code, onward.stderr).toBe(0);
      expect(JSON.parse(onward.stdout)).toMatchObject({ events, hash });

      const missing = await factory("migrate");
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("required option '--to <url|path>'");
      const itself = await factory("migrate", "--to", ".factory/factory.db");
      expect(itself.code).toBe(2);
      expect(itself.stderr).toContain("--to names the source itself");
      const bad = await factory("migrate", "--to", "mysql://db/x");
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--to: expected a postgres:// or postgresql:// URL");
      const none = await runFactory(["--dir", "nowhere", "migrate", "--to", "x.db"], { cwd });
      expect(none.code).toBe(1);
      expect(none.stderr).toContain("no factory log at");
      const typo = await factory("migrate", "--from", "cpoy.db", "--to", "x.db");
      expect(typo.code).toBe(1);
      expect(typo.stderr).toBe(`error: E_NOT_FOUND: --from: no factory log at ${join(cwd, "cpoy.db")}\n`);
      expect(existsSync(join(cwd, "x.db"))).toBe(false);
    },
  );
});
