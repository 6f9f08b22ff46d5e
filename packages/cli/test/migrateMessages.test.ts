import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../../core/test/fixtures/postgresTestServer.js";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

const SLOW = { timeout: 240_000 };
const PASSWORD = "msg-s3cret-8812";
const schemas = new TestSchemas();
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-migrate-messages-"));
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

describe.skipIf(skipPostgres)("factory migrate's messages", () => {
  it(
    "says that nothing was written when Ctrl-C comes while the stores open, before the first page",
    SLOW,
    async () => {
      const source = storeUrl(schemas.next("cli_migsig"));
      expect((await runFactory(["--store", source, "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
      const target = join(cwd, "copy.db");
      const before = process.listeners("SIGINT").length;

      const run = runFactory(["--store", source, "migrate", "--to", target], { cwd });
      // Ctrl-C as soon as the command listens for it: it is then opening its PostgreSQL source.
      while (process.listeners("SIGINT").length === before) await nextTurn();
      const listener = process.listeners("SIGINT").at(-1) as (signal: NodeJS.Signals) => void;
      listener("SIGINT");
      const result = await run;

      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toBe(
        `error: E_INTERRUPTED: interrupted (SIGINT) before the copy began: nothing was written to ${target}\n`,
      );
      expect(existsSync(target)).toBe(false);
    },
  );

  it("names the non-empty PostgreSQL target, without its password, with its schema", SLOW, async () => {
    expect((await runFactory(["--dir", ".factory", "init", "--plan", "factory.yaml"], { cwd })).code).toBe(0);
    const schema = schemas.next("cli_migfull");
    const target = storeUrl(schema);
    expect((await runFactory(["--store", target, "init"], { cwd })).code).toBe(0);
    await runFactory(
      ["--store", target, "knowledge", "capture", "--kind", "note", "--title", "t", "--body", "b"],
      {
        cwd,
      },
    );

    const refused = await runFactory(["--dir", ".factory", "migrate", "--to", target], { cwd });

    expect(refused.code, refused.stderr).toBe(1);
    const masked = new URL(target);
    masked.password = "***";
    expect(refused.stderr).toMatch(
      new RegExp(
        `^error: E_STORE: the postgres target ${masked.toString().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} already holds [\\d,]+ events that are not a copy of the sqlite source ${join(cwd, ".factory", "factory.db").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\([\\d,]+ events\\); migrate into an empty store`,
      ),
    );
    expect(refused.stderr).toContain(`schema=${schema}`);
    expect(refused.stderr).not.toContain(PASSWORD);
  });
});
