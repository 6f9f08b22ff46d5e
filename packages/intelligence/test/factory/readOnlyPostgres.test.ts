/**
 * A factory opened read-only over a PostgreSQL URL refuses writes with a
 * message naming the server, database and schema, as the SQLite store names
 * its file, and never the password of the URL. It writes nothing to the
 * database: where there is no factory it fails saying so, and a role that
 * may only select can read one.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StoreError } from "@software-factory/core";
import { openFactory } from "@software-factory/intelligence";
import { afterAll, describe, expect, it } from "vitest";
import {
  POSTGRES_TEST_URL,
  skipPostgres,
  TestSchemas,
  withAdmin,
} from "../../../core/test/fixtures/postgresTestServer.js";

const schemas = new TestSchemas();
const roots: string[] = [];
/** A role that may log in, use the factory's schema and select from its tables, and nothing more. */
const reader = `factory_ro_reader_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
afterAll(async () => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  if (skipPostgres) return;
  await schemas.dropAll();
  await withAdmin((admin) => admin.query(`DROP ROLE IF EXISTS "${reader}"`));
});

/** A new folder for a factory's caches. */
function factoryDir(): string {
  const root = mkdtempSync(join(tmpdir(), "factory-read-only-pg-"));
  roots.push(root);
  return join(root, ".factory");
}

/** The test server's URL with `schema`, as `user` (default the server's own), with a password not to show. */
function urlOf(schema: string, user?: string): URL {
  const url = new URL(POSTGRES_TEST_URL);
  if (user !== undefined) url.username = user;
  url.password = "hunter2-secret";
  url.searchParams.set("schema", schema);
  return url;
}

describe.skipIf(skipPostgres)("a factory opened read-only over PostgreSQL", () => {
  it("refuses a capture naming host, port, database and schema, without the password", async () => {
    const schema = schemas.next("ro");
    const url = new URL(POSTGRES_TEST_URL);
    url.password = "hunter2-secret";
    url.searchParams.set("schema", schema);
    const root = mkdtempSync(join(tmpdir(), "factory-read-only-pg-"));
    roots.push(root);
    const written = await openFactory({ dir: join(root, ".factory"), store: url.toString() });
    await written.close();

    const factory = await openFactory({ dir: join(root, ".factory"), store: url.toString(), readOnly: true });
    try {
      const error = await factory.knowledge
        .capture({ kind: "note", title: "No", body: "Not written.", source: { system: "test" } })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      const database = url.pathname.slice(1);
      expect(error).toMatchObject({
        code: "E_READ_ONLY",
        message: `cannot write to the PostgreSQL store at ${url.hostname}:${url.port || "5432"}/${database} (schema ${schema}): the factory was opened read-only (readOnly: true); it can be read, and nothing was written`,
      });
      expect((error as Error).message).not.toContain("hunter2");
      expect(await factory.log.head()).toBe(0);
    } finally {
      await factory.close();
    }
  }, 120_000);

  it("fails where there is no factory, naming server, database and schema, and creates nothing", async () => {
    const schema = schemas.next("ro_none");
    const url = urlOf(schema);
    const failure = await openFactory({ dir: factoryDir(), store: url.toString(), readOnly: true }).then(
      async (factory) => {
        await factory.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).message).toMatch(
      `no factory at ${url.hostname}:${url.port || "5432"}${url.pathname} in schema "${schema}"`,
    );
    expect((failure as StoreError).message).not.toContain("hunter2");
    const found = await withAdmin((admin) =>
      admin.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]),
    );
    expect(found.rows).toEqual([]);
  }, 120_000);

  it("reads a factory as a role that may only select", async () => {
    const schema = schemas.next("ro_sel");
    const written = await openFactory({ dir: factoryDir(), store: urlOf(schema).toString() });
    try {
      await written.knowledge.capture({
        kind: "note",
        title: "Kept",
        body: "Written before.",
        source: { system: "test" },
      });
    } finally {
      await written.close();
    }
    await withAdmin(async (admin) => {
      await admin.query(`CREATE ROLE "${reader}" LOGIN`);
      await admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${reader}"`);
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${reader}"`);
    });
    const factory = await openFactory({
      dir: factoryDir(),
      store: urlOf(schema, reader).toString(),
      readOnly: true,
    });
    try {
      expect(await factory.log.head()).toBe(1);
      expect(await factory.log.read({})).toHaveLength(1);
    } finally {
      await factory.close();
    }
  }, 120_000);
});
