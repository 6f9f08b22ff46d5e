/**
 * `factory --store` takes a PostgreSQL URL with its scheme in any case
 * (RFC 3986), and so does the SDK it opens the factory with: `POSTGRES://`
 * passed the flag's check and was then refused by `openFactory`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { POSTGRES_TEST_URL, skipPostgres, TestSchemas } from "../../core/test/fixtures/postgresTestServer.js";
import { SHOP_YAML } from "./fixtures.js";
import { runFactory } from "./runFactory.js";

const schemas = new TestSchemas();
let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "factory-cli-upper-scheme-"));
  writeFileSync(join(cwd, "factory.yaml"), SHOP_YAML);
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});
afterAll(async () => {
  if (!skipPostgres) await schemas.dropAll();
});

describe.skipIf(skipPostgres)("factory --store POSTGRES://...", () => {
  it("initializes the factory in PostgreSQL and reads it back from FACTORY_DATABASE_URL", async () => {
    const url = new URL(POSTGRES_TEST_URL);
    url.searchParams.set("schema", schemas.next("cli_upper"));
    const upper = url.toString().replace(/^[a-z]+:/i, "POSTGRES:");

    const init = await runFactory(
      ["--store", upper, "--dir", "a", "init", "--plan", "factory.yaml", "--json"],
      {
        cwd,
      },
    );
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ created: true });
    expect(existsSync(join(cwd, "a", "factory.db"))).toBe(false);

    const again = await runFactory(["--dir", "b", "init"], {
      cwd,
      env: { FACTORY_DATABASE_URL: upper.replace(/^POSTGRES:/, "PostgreSQL:") },
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("factory already exists in ");
  }, 240_000);
});
